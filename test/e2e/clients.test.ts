// --clients: every chosen client's files from the one source, through the same plan → apply path as the rest
// (record, status, update, uninstall, --dry-run), and the repository's bytes back after an uninstall.
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { readReleases } from '../../generators/io/releases.js';
import { SPAWNED_ROLES } from '../../generators/lib/catalogue.js';
import { renderAgent } from '../../generators/lib/clients/agents.js';
import { CLIENT_FACTS, CLIENTS } from '../../generators/lib/clients/clients.js';
import { CODEX_RULES_PATH } from '../../generators/lib/clients/codex-rules.js';
import { contentHash } from '../../generators/lib/eol.js';
import { runInProcess } from '../helpers/in-process.js';
import {
  expectRerunChangesNothing,
  makeRepo,
  NPM_PACKAGE_JSON,
  readManifestOf,
  readTree,
  snapshot,
  writeFiles,
  writeManifestOf,
} from '../helpers/repo.js';

const EVERY_CLIENT = ['--clients', CLIENTS.join(',')];
const read = (repo: string, path: string) => readFileSync(join(repo, path), 'utf8');

async function run(repo: string, args: string[]) {
  const result = await runInProcess(repo, args);
  expect(result.status, result.output).toBe(0);
  return result;
}

/** Files a user of these clients already has: the pack must leave every byte of them as it was. */
const USERS_FILES = {
  'package.json': NPM_PACKAGE_JSON,
  'AGENTS.md': '# Agents\r\n\r\nRun `make lint` before you push.',
  'opencode.json':
    '{\n\t"$schema": "https://opencode.ai/config.json",\n\t"permission": { "bash": { "*": "ask" } }\n}\n',
  '.github/workflows/ci.yml': 'on: push\njobs: { test: { runs-on: ubuntu-latest, steps: [{ run: npm test }] } }\n',
  '.github/agents/mine.agent.md': '---\nname: mine\ndescription: my own agent\n---\nMine.\n',
  '.codex/config.toml': 'model = "gpt-6.2-sol"\n',
  '.gemini/settings.json': '{ "theme": "dark" }\n',
  '.opencode/agents/mine.md': '---\ndescription: my own\nmode: subagent\n---\nMine.\n',
  '.agents/skills/mine/SKILL.md': '---\nname: mine\ndescription: my own skill\n---\nMine.\n',
};

describe('--clients: the pack in every coding client of the repository', () => {
  it('install then uninstall with every client chosen gives the repository its exact bytes back', async () => {
    for (const files of [{}, USERS_FILES]) {
      const repo = makeRepo(files);
      const before = snapshot(repo);
      await run(repo, ['--yes', ...EVERY_CLIENT, '--claude-md']);
      expect(readTree(repo)['.claude/skills/orchestrator/SKILL.md']).toBeDefined();
      const uninstall = await run(repo, ['uninstall']);
      expect(uninstall.stdout).toMatch(/removed\s+\.codex\/agents\/engineer\.toml/);
      expect(snapshot(repo)).toStrictEqual(before);
    }
  });

  it("writes each client's files where it reads them, keeps the user's in place, and records every one", async () => {
    const repo = makeRepo(USERS_FILES);
    const install = await run(repo, ['--yes', ...EVERY_CLIENT]);
    const tree = readTree(repo);
    const record = readManifestOf(repo);
    // The skills once for every client that reads .agents/skills, and the Claude Code copy, the same bytes.
    for (const [path, text] of Object.entries(tree).filter(([path]) => path.startsWith('.claude/skills/')))
      expect(tree[path.replace('.claude/skills/', '.agents/skills/')]).toBe(text);
    for (const role of SPAWNED_ROLES)
      for (const client of ['codex', 'gemini', 'copilot', 'opencode'] as const) {
        const path = CLIENT_FACTS[client].agentPath(role);
        expect(tree[path], path).toBe(
          renderAgent(client, tree[`.claude/agents/${role}.md`]!, `.claude/agents/${role}.md`),
        );
      }
    expect(tree[CODEX_RULES_PATH]).toContain('pattern = ["npm", "test"]');
    for (const path of Object.keys(tree).filter((path) => !(path in USERS_FILES) && path !== '.yo-rc.json'))
      if (!['AGENTS.md', 'opencode.json', '.claude/settings.json'].includes(path))
        expect(record.files[path], path).toBe(contentHash(tree[path]!));
    // The user's files: AGENTS.md gets the section after its own text (its CRLF kept), opencode.json the rules
    // after the user's "*": "ask" (the last matching rule wins), in its own layout; nothing else changes.
    expect(tree['AGENTS.md']).toMatch(
      /^# Agents\r\n\r\nRun `make lint` before you push\.\r\n\r\n<!-- generator-ai-pack:start -->\r\n/,
    );
    expect(tree['opencode.json']).toBe(
      '{\n\t"$schema": "https://opencode.ai/config.json",\n\t"permission": { "bash": { "*": "ask", "npm test *": "allow", "npm run build *": "allow" } }\n}\n',
    );
    for (const path of [
      '.github/workflows/ci.yml',
      '.github/agents/mine.agent.md',
      '.codex/config.toml',
      '.gemini/settings.json',
      '.opencode/agents/mine.md',
      '.agents/skills/mine/SKILL.md',
    ])
      expect(tree[path]).toBe(USERS_FILES[path as keyof typeof USERS_FILES]);
    expect(record.configs).toStrictEqual({
      'opencode.json': {
        settings: [
          { path: '/permission/bash/npm test *', value: 'allow' },
          { path: '/permission/bash/npm run build *', value: 'allow' },
        ],
      },
    });
    expect(install.stdout).toMatch(
      /merged\s+opencode\.json: added permission → bash → npm test \*, permission → bash → npm run build \*; your entries kept/,
    );
    expect(install.stdout).toMatch(
      /approved\s+Codex: \.codex\/rules\/generator-ai-pack\.rules lets its agents run "npm test" and "npm run build"/,
    );
    expect(install.stdout).toMatch(/no rule\s+Gemini CLI: .*ask before running one/);
    expect(install.stdout).toMatch(/no rule\s+Copilot CLI: .*--allow-tool 'shell\(npm test:\*\)'/);
    await expectRerunChangesNothing(repo);
  });

  it("--dry-run lists every client's files and writes nothing; status then lists them all", async () => {
    const repo = makeRepo({ 'package.json': NPM_PACKAGE_JSON });
    const before = snapshot(repo);
    const dry = await run(repo, ['--yes', ...EVERY_CLIENT, '--dry-run']);
    expect(snapshot(repo)).toStrictEqual(before);
    for (const path of [
      '.agents/skills/orchestrator/SKILL.md',
      '.codex/agents/engineer.toml',
      '.gemini/agents/tester.md',
      '.github/agents/reviewer.agent.md',
      '.opencode/agents/engineer.md',
      CODEX_RULES_PATH,
      'opencode.json',
      'AGENTS.md',
    ])
      expect(dry.stdout).toContain(`added     ${path}`);

    await run(repo, ['--yes', ...EVERY_CLIENT]);
    writeFileSync(join(repo, '.gemini/agents/tester.md'), 'my tester\n');
    const status = await runInProcess(repo, ['status', '--json']);
    const report = JSON.parse(status.stdout);
    expect(report.files.modified).toStrictEqual(['.gemini/agents/tester.md']);
    expect(report.files.unchanged).toEqual(
      expect.arrayContaining(['.codex/agents/engineer.toml', '.agents/skills/tester/SKILL.md', CODEX_RULES_PATH]),
    );
  });

  it('a client left out on update takes its files and entries with it; one the user edited stays, and so do their own', async () => {
    const repo = makeRepo(USERS_FILES);
    await run(repo, ['--yes', ...EVERY_CLIENT]);
    writeFileSync(join(repo, '.opencode/agents/tester.md'), 'my tester\n');
    const update = await run(repo, ['--yes', '--clients', 'claude,codex']);
    const tree = readTree(repo);
    expect(
      Object.keys(tree)
        .filter((path) => /^\.(gemini|github|opencode)\//.test(path))
        .sort(),
    ).toStrictEqual([
      '.gemini/settings.json',
      '.github/agents/mine.agent.md',
      '.github/workflows/ci.yml',
      '.opencode/agents/mine.md',
      '.opencode/agents/tester.md',
    ]);
    expect(tree['opencode.json']).toBe(USERS_FILES['opencode.json']);
    expect(update.stdout).toMatch(/retired\s+opencode\.json: took out permission → bash → npm test \*/);
    expect(update.stdout).toMatch(
      /kept\s+\.opencode\/agents\/tester\.md \(no longer part of the pack, but you edited it\)/,
    );
    expect(readManifestOf(repo).configs).toBeUndefined();
    // Codex still reads AGENTS.md: the section stays. Without any client that reads it, it goes.
    expect(tree['AGENTS.md']).toContain('generator-ai-pack:start');
    await run(repo, ['--yes', '--clients', 'claude']);
    expect(read(repo, 'AGENTS.md')).toBe(USERS_FILES['AGENTS.md']);
    expect(existsSync(join(repo, '.codex/agents'))).toBe(false);
    expect(read(repo, '.codex/config.toml')).toBe(USERS_FILES['.codex/config.toml']);
  });

  it('CLAUDE.md linked to AGENTS.md holds one section (the CLAUDE.md one), for Claude Code alone or with other clients', async () => {
    for (const clients of ['claude', 'claude,codex,opencode']) {
      const repo = makeRepo({ 'AGENTS.md': '# Agents\n\nBe kind.\n' });
      symlinkSync('AGENTS.md', join(repo, 'CLAUDE.md'));
      const before = snapshot(repo);
      await run(repo, ['--yes', '--claude-md', '--clients', clients]);
      expect(snapshot(repo)['CLAUDE.md']).toBe('<link to AGENTS.md>');
      expect(read(repo, 'AGENTS.md').match(/generator-ai-pack:start/g)).toHaveLength(1);
      expect(read(repo, 'AGENTS.md')).toContain('use the `orchestrator` skill');
      await expectRerunChangesNothing(repo);
      await run(repo, ['uninstall']);
      expect(snapshot(repo)).toStrictEqual(before);
    }
  });

  it('an earlier Claude Code install never touches AGENTS.md: a section a user copied there stays', async () => {
    const copied = '# Agents\n\n<!-- generator-ai-pack:start -->\nmine\n<!-- generator-ai-pack:end -->\n';
    const repo = makeRepo({ 'AGENTS.md': copied, 'package.json': NPM_PACKAGE_JSON });
    await run(repo, ['--yes']);
    await run(repo, ['--yes', '--claude-md']);
    await run(repo, ['uninstall']);
    expect(read(repo, 'AGENTS.md')).toBe(copied);
  });

  it("the plugin form stays Claude Code's: the other clients' files go, and the summary says why", async () => {
    const repo = makeRepo({ 'package.json': NPM_PACKAGE_JSON });
    await run(repo, ['--yes', '--clients', 'claude,codex']);
    const plugin = await run(repo, ['--yes', '--plugin-settings', 'acme/generator-ai-pack']);
    expect(existsSync(join(repo, '.codex'))).toBe(false);
    expect(existsSync(join(repo, '.agents'))).toBe(false);
    expect(existsSync(join(repo, 'AGENTS.md'))).toBe(false);
    expect(plugin.stdout).toMatch(/ignored\s+Codex: the plugin form is Claude Code's/);
  });

  it('without Claude Code, nothing goes into .claude/ (and what an earlier install put there goes)', async () => {
    const repo = makeRepo({ 'package.json': NPM_PACKAGE_JSON });
    await run(repo, ['--yes']);
    const codexOnly = await run(repo, ['--yes', '--clients', 'codex']);
    expect(existsSync(join(repo, '.claude'))).toBe(false);
    expect(read(repo, '.agents/skills/orchestrator/SKILL.md')).toBe(
      readFileSync(join(packRoot, '.claude/skills/orchestrator/SKILL.md'), 'utf8'),
    );
    expect(codexOnly.stdout).not.toMatch(/approved\s+test command/);
    expect(codexOnly.stdout).toMatch(/open Codex here and ask it to "use the orchestrator skill"/);
  });

  it('an edited copy in .agents/skills from an earlier release is merged three-way, like a Claude Code file', async () => {
    const repo = makeRepo({ 'package.json': NPM_PACKAGE_JSON });
    await run(repo, ['--yes', '--clients', 'codex']);
    const path = '.agents/skills/tester/SKILL.md';
    // As an install of 0.2.0's pack (its copy rendered from that release) that the user edited since.
    const older = readReleases().find((release) => release.version === '0.2.0')!.files[
      '.claude/skills/tester/SKILL.md'
    ]!;
    const now = read(repo, path);
    expect(older).not.toBe(now);
    const stable = '## Result block';
    expect(older).toContain(stable);
    writeFileSync(join(repo, path), older.replace(stable, `${stable} (our team's)`));
    writeManifestOf(repo, (record) => {
      record.files[path] = contentHash(older);
    });
    const update = await run(repo, ['--yes']);
    expect(update.stdout).toMatch(
      /merged\s+\.agents\/skills\/tester\/SKILL\.md \(your edits and the pack's new version/,
    );
    expect(read(repo, path)).toBe(now.replace(stable, `${stable} (our team's)`));
  });

  it('refuses an opencode.json with comments (the file and line named) and a client it does not know, writing nothing', async () => {
    const repo = makeRepo({ 'opencode.json': '{\n  // mine\n  "model": "x"\n}\n' });
    const before = snapshot(repo);
    const jsonc = await runInProcess(repo, ['--yes', '--clients', 'opencode']);
    expect(jsonc.status).toBe(1);
    expect(jsonc.stderr).toMatch(/opencode\.json:2:3: not valid JSON \(comments are not allowed\)/);
    const cursor = await runInProcess(repo, ['--yes', '--clients', 'claude,cursor']);
    expect(cursor.status).toBe(1);
    expect(cursor.stderr).toMatch(/Unknown client "cursor" in --clients\..*Cursor is not supported/);
    expect(snapshot(repo)).toStrictEqual(before);
  });

  it('an opencode.jsonc of the user is left alone: no opencode.json beside it, and the summary says what to add', async () => {
    const repo = makeRepo({ 'opencode.jsonc': '{ /* mine */ }\n' });
    const install = await run(repo, ['--yes', '--clients', 'opencode', '--test-command', 'pytest']);
    expect(existsSync(join(repo, 'opencode.json'))).toBe(false);
    expect(install.stdout).toMatch(
      /no rule\s+opencode\.json: your config is opencode\.jsonc.*"pytest \*":"allow".*by hand/,
    );
  });

  it('a forged record claiming entries of opencode.json the pack never writes: they are left alone, and named', async () => {
    const mine = '{\n  "model": "mine",\n  "permission": { "bash": { "*": "allow" } }\n}\n';
    const repo = makeRepo({ 'opencode.json': mine });
    writeFiles(repo, {
      '.yo-rc.json': `${JSON.stringify({
        'generator-ai-pack': {
          version: '0.3.0',
          answers: {},
          files: {},
          settings: [],
          configs: {
            'opencode.json': {
              settings: [
                { path: '/model', value: 'mine' },
                { path: '/permission', value: { bash: { '*': 'allow' } } },
              ],
              created: true,
            },
            '.gemini/settings.json': { settings: [{ path: '/theme', value: 'dark' }] },
          },
        },
      })}\n`,
    });
    const uninstall = await run(repo, ['uninstall']);
    expect(read(repo, 'opencode.json')).toBe(mine);
    expect(uninstall.stderr).toMatch(
      /claims the settings entry "model" for the pack, which no version of the pack writes: left alone/,
    );
    expect(uninstall.stderr).toMatch(
      /names ".gemini\/settings.json", which is not a file the pack ever ships: left alone/,
    );
  });
});
