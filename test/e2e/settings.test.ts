import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { settingsProblems } from '../../generators/lib/settings-check.js';
import { claudeDoctor } from '../helpers/conformance.js';
import { runInProcess } from '../helpers/in-process.js';
import { backups, expectRerunChangesNothing, npmProject, writeManifestOf } from '../helpers/repo.js';

const SETTINGS = '.claude/settings.json';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/settings', name), 'utf8');
const packSettings = JSON.parse(readFileSync(join(packRoot, SETTINGS), 'utf8'));
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

/** What a polite merge must give: the user's settings in their order, then the pack's missing rules and keys. */
function expectedMerge(user: any): any {
  const expected = structuredClone(user);
  expected.permissions ??= {};
  expected.permissions.allow ??= [];
  expected.permissions.deny ??= [];
  for (const list of ['allow', 'deny']) {
    const rules: string[] = expected.permissions[list];
    for (const rule of packSettings.permissions[list]) if (!rules.includes(rule)) rules.push(rule);
  }
  for (const key of Object.keys(packSettings)) if (!(key in expected)) expected[key] = packSettings[key];
  return expected;
}

describe('settings merge', () => {
  it("a hand-made settings.json keeps every entry of the user's, in order, and gains only the missing pack rules", async () => {
    const handMade = fixture('hand-made.json');
    const repo = npmProject({ [SETTINGS]: handMade });
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);

    const text = read(repo, SETTINGS);
    // Exact text: 2-space indent, key order kept (new keys last), trailing newline.
    expect(text).toBe(`${JSON.stringify(expectedMerge(JSON.parse(handMade)), null, 2)}\n`);
    const settings = JSON.parse(text);
    expect(settings.env).toStrictEqual(JSON.parse(handMade).env);
    expect(settings.hooks).toStrictEqual(JSON.parse(handMade).hooks);
    expect(settings.permissions.allow.filter((rule: string) => rule === 'Bash(npm test *)')).toHaveLength(1);
    expect(run.output).toMatch(/merged\s+\.claude\/settings\.json/);
    // A merge that removes nothing needs no backup.
    expect(backups(repo)).toStrictEqual({});
  });

  it('running twice adds nothing: same bytes, same mtime, "already up to date"', async () => {
    const repo = npmProject({ [SETTINGS]: fixture('hand-made.json') });
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    await expectRerunChangesNothing(repo);
  });

  it("an update takes out the rules an older pack added (Edit, Write, git, legacy :*), never the user's own", async () => {
    const older = {
      allow: ['Edit', 'Write', 'Bash(npm test)', 'Bash(npm test:*)', 'Bash(git status)', 'Bash(git diff:*)'],
      deny: ['Read(./.env)', 'Read(./**/*.pem)'],
    };
    const user = { permissions: { allow: ['Bash(make lint)'] } };
    const repo = npmProject({ [SETTINGS]: `${JSON.stringify(user, null, 2)}\n` });
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    // As an older pack would have left it: its rules after the user's, and recorded as its own.
    const settings = JSON.parse(read(repo, SETTINGS));
    settings.permissions = { allow: [...user.permissions.allow, ...older.allow], deny: older.deny };
    writeFileSync(join(repo, SETTINGS), `${JSON.stringify(settings, null, 2)}\n`);
    writeManifestOf(repo, (manifest) => {
      manifest.settings = [
        { path: '/permissions/allow', items: older.allow },
        { path: '/permissions/deny', value: older.deny },
        ...manifest.settings.filter((addition: { path: string }) => !addition.path.startsWith('/permissions')),
      ];
    });

    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    const permissions = JSON.parse(read(repo, SETTINGS)).permissions;
    expect(permissions.allow).toStrictEqual(['Bash(make lint)', ...packSettings.permissions.allow]);
    // A rule both versions ship stays where it was; the old-only ones go.
    expect([...permissions.deny].sort()).toStrictEqual([...packSettings.permissions.deny].sort());
  });

  it("changing the test command takes out the old rules the pack added, never the user's own", async () => {
    const user = { permissions: { allow: ['Bash(npm run build)'] } };
    const repo = npmProject({ [SETTINGS]: `${JSON.stringify(user, null, 2)}\n` });
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    const run = await runInProcess(repo, ['--yes', '--test-command', 'pytest', '--build-command', 'make']);
    expect(run.status, run.output).toBe(0);
    const allow: string[] = JSON.parse(read(repo, SETTINGS)).permissions.allow;
    expect(allow).toEqual(expect.arrayContaining(['Bash(pytest *)', 'Bash(make *)', 'Bash(npm run build)']));
    expect(allow).not.toContain('Bash(npm test *)');
    expect(allow).not.toContain('Bash(npm run build *)');
    expect(allow[0]).toBe('Bash(npm run build)');
    expect(run.output).toMatch(/retired\s+\.claude\/settings\.json/);
    // Uninstall still gives back exactly the user's file.
    expect((await runInProcess(repo, ['uninstall'])).status).toBe(0);
    expect(JSON.parse(read(repo, SETTINGS))).toStrictEqual(user);
  });

  it('a settings.json that already has every pack rule keeps its own formatting (not rewritten)', async () => {
    const own = JSON.stringify({ ...packSettings, model: 'opus' }, null, 4).replace(/\n/g, '\r\n');
    const repo = npmProject({ [SETTINGS]: own });
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, SETTINGS)).toBe(own);
  });
});

describe('migration from the enforcement-era framework', () => {
  const scripts = {
    '.claude/hooks/orchestrator-enforcement.py': 'import sys\n# blocks execution tools\nsys.exit(2)\n',
    '.claude/hooks/check-task-packet.py': 'import sys\n# blocks without a task packet\nsys.exit(2)\n',
  };
  const mine = {
    '.claude/hooks/session-start.py': 'print("my timers")\n',
    'scripts/log-prompt.mjs': 'console.log(1);\n',
  };
  const oldSkill =
    '---\nname: orchestrator\ndescription: the old framework orchestrator\n---\nYou MUST write a task packet first.\n';
  const SKILL = '.claude/skills/orchestrator/SKILL.md';

  async function enforcementRepo() {
    const original = fixture('enforcement-era.json');
    const repo = npmProject({ [SETTINGS]: original, ...scripts, ...mine, [SKILL]: oldSkill });
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    return { repo, run, original };
  }

  it('removes the enforcement hooks and invalid keys, keeps every other hook of the user unchanged', async () => {
    const { repo } = await enforcementRepo();
    const settings = JSON.parse(read(repo, SETTINGS));
    const cleaned = JSON.parse(fixture('enforcement-era.cleaned.json'));
    expect(settings).toStrictEqual(expectedMerge(cleaned));
    expect(settings.hooks).toStrictEqual(cleaned.hooks);
    expect(settings).not.toHaveProperty('onSessionStart');
    expect(settings).not.toHaveProperty('onSessionEnd');
    expect(read(repo, SETTINGS)).not.toMatch(/orchestrator-enforcement|check-task-packet|"description"/);
  });

  it('the migrated settings pass claude doctor and the structural check; status finds no enforcement left', async () => {
    expect(settingsProblems(JSON.parse(fixture('enforcement-era.json')))).not.toEqual([]);
    const { repo } = await enforcementRepo();
    expect(claudeDoctor(repo)).toBeUndefined();
    expect(settingsProblems(JSON.parse(read(repo, SETTINGS)))).toEqual([]);
    const status = await runInProcess(repo, ['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ enforcement: [], settings: { valid: true, problems: [] } });
  });

  it('moves the enforcement scripts into the backup folder (same bytes) and backs up the original settings.json', async () => {
    const { repo, original } = await enforcementRepo();
    for (const path of Object.keys(scripts)) expect(existsSync(join(repo, path)), path).toBe(false);
    for (const [path, content] of Object.entries(mine)) expect(read(repo, path)).toBe(content);
    expect(backups(repo)).toStrictEqual({ ...scripts, [SETTINGS]: original });
  });

  it("keeps the old orchestrator SKILL.md the pack did not write, with the pack's version beside it", async () => {
    const { repo } = await enforcementRepo();
    expect(read(repo, SKILL)).toBe(oldSkill);
    expect(read(repo, `${SKILL}.ai-pack-new`)).toBe(readFileSync(join(packRoot, SKILL), 'utf8'));
  });

  it('the summary explains each change in one line', async () => {
    const { run } = await enforcementRepo();
    const lines = run.output.split('\n');
    const line = (pattern: RegExp) => {
      const found = lines.filter((text) => pattern.test(text));
      expect(found, `a summary line matching ${pattern}\n${run.output}`).toHaveLength(1);
      return found[0];
    };
    line(/migrated .*"onSessionStart"/);
    line(/migrated .*"onSessionEnd"/);
    line(/migrated .*UserPromptSubmit hook runs orchestrator-enforcement\.py/);
    line(/migrated .*UserPromptSubmit hook runs check-task-packet\.py/);
    expect(lines.filter((text) => /migrated .*"description"/.test(text))).toHaveLength(2);
    line(/moved\s+\.claude\/hooks\/orchestrator-enforcement\.py to \.claude\/ai-pack-backup\//);
    line(/moved\s+\.claude\/hooks\/check-task-packet\.py to \.claude\/ai-pack-backup\//);
    line(/kept\s+\.claude\/skills\/orchestrator\/SKILL\.md .*SKILL\.md\.ai-pack-new/);
    // Where the original settings.json went.
    line(/\.claude\/settings\.json.*\.claude\/ai-pack-backup\//);
  });

  it('a second run after the migration changes nothing', async () => {
    const { repo } = await enforcementRepo();
    await expectRerunChangesNothing(repo);
  });
});
