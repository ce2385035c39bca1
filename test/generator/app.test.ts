import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import { packageRoot, packRoot } from '../../generators/io/paths.js';
import { SECTION_START } from '../../generators/lib/claude-md.js';
import { contentHash } from '../../generators/lib/eol.js';
import { makeRepo, readManifestOf, readTree, without, writeManifestOf } from '../helpers/repo.js';

/** The built generator, as yo and the launcher load it. */
const app = join(packageRoot, 'dist/generators/app/index.js');
const packFile = (path: string) => readFileSync(join(packRoot, path), 'utf8');

describe('app generator through yeoman-test (prompts)', () => {
  it('asks every question, installs what the answers choose and saves them in .yo-rc.json', async () => {
    const result = await helpers
      .run(app)
      .cd(makeRepo())
      .withAnswers({
        skills: ['reviewer', 'orchestrator'],
        clients: ['claude'],
        testCommand: 'cargo test',
        buildCommand: ' cargo build ',
        agents: true,
        claudeMd: true,
      });

    const asked = result.askedQuestions.map((question) => question.name);
    expect(asked).toStrictEqual(['skills', 'clients', 'testCommand', 'buildCommand', 'agents', 'claudeMd']);

    const tree = readTree(result.cwd);
    const expected = Object.keys(readTree(packRoot))
      .filter(
        (path) =>
          /^\.claude\/skills\/(orchestrator|reviewer)\//.test(path) ||
          path === '.claude/agents/reviewer.md' ||
          path === '.claude/settings.json',
      )
      .concat('.yo-rc.json', 'CLAUDE.md')
      .sort();
    expect(Object.keys(tree).sort()).toStrictEqual(expected);
    expect(tree['.claude/agents/reviewer.md']).toBe(packFile('.claude/agents/reviewer.md'));
    expect(tree['CLAUDE.md']).toContain(SECTION_START);

    const allow: string[] = JSON.parse(tree['.claude/settings.json']).permissions.allow;
    expect(allow).toEqual(expect.arrayContaining(['Bash(cargo test *)', 'Bash(cargo build *)']));
    expect(allow.filter((rule) => rule.includes('npm'))).toStrictEqual([]);

    // Catalogue order and trimmed commands, as the options would give.
    expect(readManifestOf(result.cwd).answers).toStrictEqual({
      skills: ['orchestrator', 'reviewer'],
      clients: ['claude'],
      testCommand: 'cargo test',
      buildCommand: 'cargo build',
      agents: true,
      claudeMd: true,
      pluginSettings: '',
      userSettings: false,
    });
  });

  it('asks only what the options did not give', async () => {
    const result = await helpers
      .run(app)
      .cd(makeRepo())
      .withOptions({ skills: 'tester', agents: false } as never)
      .withAnswers({ clients: ['claude'], testCommand: 'pytest', buildCommand: '', claudeMd: false });

    expect(result.askedQuestions.map((question) => question.name)).toStrictEqual([
      'clients',
      'testCommand',
      'buildCommand',
      'claudeMd',
    ]);
    expect(Object.keys(readTree(result.cwd)).sort()).toStrictEqual([
      '.claude/settings.json',
      '.claude/skills/tester/SKILL.md',
      '.yo-rc.json',
    ]);
  });

  it('the clients question suggests the clients whose folders or files the repository has (Claude Code by default)', async () => {
    const plain = await helpers.run(app).cd(makeRepo());
    expect(plain.askedQuestions.find((question) => question.name === 'clients')?.answer).toStrictEqual(['claude']);

    const repo = makeRepo({
      '.codex/config.toml': 'model = "x"\n',
      'opencode.json': '{}\n',
      '.github/workflows/ci.yml': 'on: push\n',
    });
    const suggested = await helpers.run(app).cd(repo);
    expect(suggested.askedQuestions.find((question) => question.name === 'clients')?.answer).toStrictEqual([
      'claude',
      'codex',
      'opencode',
    ]);
    expect(readManifestOf(suggested.cwd).answers.clients).toStrictEqual(['claude', 'codex', 'opencode']);
    expect(readManifestOf(suggested.cwd).sources.clients).toBe('typed');
  });

  it('the next run offers the saved answers as defaults', async () => {
    const first = await helpers
      .run(app)
      .cd(makeRepo())
      .withAnswers({
        skills: ['engineer'],
        testCommand: 'go test ./...',
        buildCommand: 'go build ./...',
        agents: false,
        claudeMd: false,
      });
    const before = readTree(first.cwd);

    // No answers: the dummy prompt takes each question's default, which must be the saved answer.
    const second = await helpers.run(app).cd(first.cwd);
    const defaults = Object.fromEntries(second.askedQuestions.map((question) => [question.name, question.answer]));
    expect(defaults).toMatchObject({
      skills: ['engineer'],
      testCommand: 'go test ./...',
      buildCommand: 'go build ./...',
      agents: false,
      claudeMd: false,
    });
    expect(readTree(second.cwd)).toStrictEqual(before);
  });

  it('without --force (force: false), an edited file with a new pack version is offered at the prompt: "keep" keeps the user\'s bytes', async () => {
    const SKILL = '.claude/skills/orchestrator/SKILL.md';
    const first = await helpers
      .run(app)
      .cd(makeRepo())
      .withOptions({ yes: true } as never);
    const edited = `${packFile(SKILL)}\nMine.\n`;
    writeFileSync(join(first.cwd, SKILL), edited);
    // Installed from an older pack the package has no copy of: no merge base, so the new version is offered.
    writeManifestOf(first.cwd, (record) => {
      record.files[SKILL] = contentHash('what an older pack wrote\n');
    });
    const before = readTree(first.cwd);

    const second = await helpers
      .run(app, undefined, { force: false } as never)
      .cd(first.cwd)
      // yeoman-test passes force: true to the generator too; the launcher does not.
      .withOptions({ force: false } as never)
      .withAnswers({ choice: 'keep' });
    expect(second.askedQuestions.map((question) => question.name)).toContain('choice');
    const after = readTree(second.cwd);
    expect(after[SKILL]).toBe(edited);
    expect(without(after, '.yo-rc.json')).toStrictEqual(without(before, '.yo-rc.json'));
  });
});
