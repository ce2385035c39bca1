import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { ROLES } from '../../generators/lib/catalogue.js';
import { contentHash } from '../../generators/lib/eol.js';
import { runInProcess } from '../helpers/in-process.js';
import { makeRepo, mtimes, readTree, writeManifestOf } from '../helpers/repo.js';

const SKILL = '.claude/skills/tester/SKILL.md';
const NEW = '.ai-pack-new';

async function run(repo: string, args: string[]) {
  const result = await runInProcess(repo, args);
  expect(result.status, result.output).toBe(0);
  return result;
}

/** Installs with `installArgs`, uninstalls, and returns the uninstall's output. */
async function roundTrip(repo: string, installArgs: string[] = ['--yes']): Promise<string> {
  await run(repo, installArgs);
  expect(readFileSync(join(repo, '.yo-rc.json'), 'utf8')).toContain('generator-ai-pack');
  return (await run(repo, ['uninstall'])).output;
}

const userSettings = {
  permissions: { allow: ['Bash(make lint)', 'Edit'], deny: ['Read(./secrets/**)'], defaultMode: 'acceptEdits' },
  env: { MY_FLAG: '1' },
  hooks: { PostToolUse: [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'npx prettier --write' }] }] },
};

describe('generator-ai-pack uninstall', () => {
  it('empty repo: install then uninstall leaves exactly the original tree (no .claude, no .yo-rc.json)', async () => {
    const repo = makeRepo();
    const output = await roundTrip(repo);
    expect(readTree(repo)).toStrictEqual({});
    expect(existsSync(join(repo, '.claude'))).toBe(false);
    expect(output).toMatch(/removed\s+\.claude\/skills\/tester\/SKILL\.md/);
  });

  it("a settings.json of the user's own that held only {} is kept, not deleted with the pack's entries", async () => {
    const repo = makeRepo({ '.claude/settings.json': '{}\n' });
    await roundTrip(repo);
    expect(readTree(repo)).toStrictEqual({ '.claude/settings.json': '{}\n' });
  });

  it("the user's settings, CLAUDE.md, .yo-rc.json and .claude files come back byte for byte (--claude-md)", async () => {
    const original = {
      '.claude/settings.json': `${JSON.stringify(userSettings, null, 2)}\n`,
      'CLAUDE.md': '# My project\n\nRun `make lint` before committing.\n',
      '.claude/commands/ship.md': 'Ship it.\n',
      '.claude/skills/mine/SKILL.md': '---\nname: mine\ndescription: x\n---\nmine\n',
      '.yo-rc.json': `${JSON.stringify({ 'generator-other': { flavour: 'vanilla' } }, null, 2)}\n`,
      'package.json': '{"name":"p","scripts":{"test":"vitest"}}',
    };
    const repo = makeRepo(original);
    await roundTrip(repo, ['--yes', '--claude-md']);
    expect(readTree(repo)).toStrictEqual(original);
  });

  it('an edited SKILL.md is kept and listed; everything else the pack wrote goes', async () => {
    const repo = makeRepo();
    await run(repo, ['--yes']);
    writeFileSync(join(repo, SKILL), 'my tester\n');
    const output = (await run(repo, ['uninstall'])).output;
    expect(readTree(repo)).toStrictEqual({ [SKILL]: 'my tester\n' });
    expect(output).toMatch(/kept\s+\.claude\/skills\/tester\/SKILL\.md \(you edited it\)/);
  });

  it(".ai-pack-new leftovers go only while they still hold the pack's version", async () => {
    const repo = makeRepo();
    await run(repo, ['--yes']);
    const reviewer = '.claude/skills/reviewer/SKILL.md';
    writeFileSync(join(repo, SKILL), 'my tester\n');
    writeFileSync(join(repo, reviewer), 'my reviewer\n');
    // Installed from an older pack: this version has something new to put beside the edited files.
    writeManifestOf(repo, (record) => {
      record.files[SKILL] = contentHash('what an older pack wrote\n');
      record.files[reviewer] = contentHash('what an older pack wrote\n');
    });
    await run(repo, ['--yes']); // writes the pack's versions beside the edited files
    expect(readFileSync(join(repo, SKILL + NEW), 'utf8')).toBe(readFileSync(join(packRoot, SKILL), 'utf8'));
    writeFileSync(join(repo, reviewer + NEW), 'merged by hand\n');

    await run(repo, ['uninstall']);
    expect(readTree(repo)).toStrictEqual({
      [SKILL]: 'my tester\n',
      [reviewer]: 'my reviewer\n',
      [reviewer + NEW]: 'merged by hand\n',
    });
  });

  it('--dry-run changes nothing, not even an mtime', async () => {
    const repo = makeRepo({ 'CLAUDE.md': '# Mine\n' });
    await run(repo, ['--yes', '--claude-md']);
    const tree = readTree(repo);
    const times = mtimes(repo);
    const output = (await run(repo, ['uninstall', '--dry-run'])).output;
    expect(readTree(repo)).toStrictEqual(tree);
    expect(mtimes(repo)).toStrictEqual(times);
    expect(output).toMatch(/dry run/);
  });

  it('not installed: says so and touches nothing', async () => {
    const repo = makeRepo({ 'CLAUDE.md': '# Mine\n' });
    const output = (await run(repo, ['uninstall'])).output;
    expect(output).toMatch(/not installed/);
    expect(output).not.toMatch(/up to date|Next:/);
    expect(readTree(repo)).toStrictEqual({ 'CLAUDE.md': '# Mine\n' });
  });

  it('settings.json broken after install: exit 1 with the location, and nothing is removed', async () => {
    const repo = makeRepo();
    await run(repo, ['--yes']);
    writeFileSync(join(repo, '.claude/settings.json'), '{ "permissions": { bad');
    const tree = readTree(repo);
    const result = await runInProcess(repo, ['uninstall']);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/\.claude\/settings\.json:1:\d+: not valid JSON/);
    expect(readTree(repo)).toStrictEqual(tree);
  });

  it("property: install then uninstall gives back any mix of the user's files byte for byte", async () => {
    const line = fc.stringMatching(/^[a-z #`*-]{0,20}$/);
    const claudeMd = fc.option(
      fc.array(line, { maxLength: 4 }).map((lines) => lines.map((l) => `${l}\n`).join('') || '\n'),
    );
    const rule = fc.constantFrom(
      'Edit',
      'Write',
      'Bash(npm test)',
      'Bash(git status)',
      'Bash(make lint)',
      'Read(./x)',
      'WebFetch',
    );
    const settings = fc.option(
      fc.record(
        {
          permissions: fc.record(
            { allow: fc.uniqueArray(rule, { maxLength: 4 }), deny: fc.uniqueArray(rule, { maxLength: 2 }) },
            { requiredKeys: [] },
          ),
          env: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z_]{0,6}$/), line, { maxKeys: 2 }),
          model: fc.constantFrom('opus', 'sonnet'),
          $schema: fc.constant('https://json.schemastore.org/claude-code-settings.json'),
        },
        { requiredKeys: ['permissions'] },
      ),
    );
    const own = fc.dictionary(
      fc.constantFrom(
        '.claude/commands/a.md',
        '.claude/skills/mine/SKILL.md',
        '.claude/agents/mine.md',
        'src/x.ts',
        'README.md',
      ),
      line,
      { maxKeys: 3 },
    );
    const flags = fc.record({
      claudeMd: fc.boolean(),
      agents: fc.boolean(),
      skills: fc.subarray([...ROLES], { minLength: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(claudeMd, settings, own, flags, async (md, set, files, opts) => {
        const original: Record<string, string> = { ...files };
        if (md !== null) original['CLAUDE.md'] = md;
        if (set !== null) original['.claude/settings.json'] = `${JSON.stringify(set, null, 2)}\n`;
        const repo = makeRepo(original);
        await roundTrip(repo, [
          '--yes',
          `--skills=${opts.skills.join(',')}`,
          opts.agents ? '--agents' : '--no-agents',
          opts.claudeMd ? '--claude-md' : '--no-claude-md',
        ]);
        expect(readTree(repo)).toStrictEqual(original);
      }),
      { numRuns: 5 },
    );
  });
});
