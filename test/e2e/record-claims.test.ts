import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, npmProject, type RunResult, readTree, snapshot, writeFiles } from '../helpers/repo.js';

/**
 * The install record is a claim, not a proof: a committed `.yo-rc.json` can name any settings entry as the
 * pack's. It may only make the tool take out what some version of the pack writes; the rest is reported and
 * left alone, and settings.json goes only when nothing of the user's is in it.
 */

const SETTINGS = '.claude/settings.json';
const HOOKS = {
  PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './audit.sh' }] }],
};
/** The user's own settings: a deny rule of theirs and an audit hook. */
const USERS = `{
  "permissions": {
    "deny": [
      "Read(./secrets/**)"
    ]
  },
  "hooks": ${JSON.stringify(HOOKS, null, 2).replaceAll('\n', '\n  ')}
}
`;
/** Claims on exactly the user's settings: the whole file, entry by entry. */
/** How the warnings name the user's hook group: by its content, as the summary names every entry. */
const HOOK_GROUP = JSON.stringify(JSON.stringify(HOOKS.PreToolUse[0]));
const CLAIMS_ON_USERS = [
  { path: '/permissions/deny', items: ['Read(./secrets/**)'] },
  { path: '/hooks', value: HOOKS },
];
const yoRc = (record: object) =>
  `${JSON.stringify({ 'generator-ai-pack': { version: '0.1.0', answers: {}, files: {}, ...record } }, null, 2)}\n`;

function expectClean(run: RunResult): void {
  expect(run.status, run.output).toBe(0);
  expect(hasStackTrace(run.output), run.output).toBe(false);
}

/** The warnings a run gives for claims it ignores, one per entry. */
const ignoredClaims = (run: RunResult) =>
  run.stderr
    .split('\n')
    .filter((line) => line.includes('which no version of the pack writes: left alone.'))
    .map((line) => /claims the settings entry (".*?") for the pack/.exec(line)?.[1]);

describe('a committed .yo-rc.json claiming the user’s settings', () => {
  it('its claims on the user’s deny rule and hook are reported; the update retires neither, uninstall gives the file back byte for byte', async () => {
    const repo = npmProject({ [SETTINGS]: USERS, '.yo-rc.json': yoRc({ settings: CLAIMS_ON_USERS }) });
    const update = await runInProcess(repo, ['--yes']);
    expectClean(update);
    expect(ignoredClaims(update)).toStrictEqual(['"Read(./secrets/**)"', HOOK_GROUP]);
    expect(update.stdout).not.toMatch(/retired/);
    const merged = JSON.parse(readFileSync(join(repo, SETTINGS), 'utf8'));
    expect(merged.hooks).toStrictEqual(HOOKS);
    expect(merged.permissions.deny[0]).toBe('Read(./secrets/**)');
    expect(merged.permissions.deny).toContain('Read(./**/.env)');

    const uninstall = await runInProcess(repo, ['uninstall']);
    expectClean(uninstall);
    expect(readFileSync(join(repo, SETTINGS), 'utf8')).toBe(USERS);
  });

  it('createdSettings plus claims equal to the whole file: uninstall leaves settings.json exactly as it is', async () => {
    const repo = npmProject({
      [SETTINGS]: USERS,
      '.yo-rc.json': yoRc({ settings: CLAIMS_ON_USERS, createdSettings: true }),
    });
    const before = snapshot(repo);
    const uninstall = await runInProcess(repo, ['uninstall']);
    expectClean(uninstall);
    expect(ignoredClaims(uninstall)).toStrictEqual(['"Read(./secrets/**)"', HOOK_GROUP]);
    expect(uninstall.stdout).not.toContain(SETTINGS);
    const { '.yo-rc.json': _record, ...after } = snapshot(repo);
    const { '.yo-rc.json': _before, ...expected } = before;
    expect(after).toStrictEqual(expected);
  });

  it('createdSettings with the pack’s rules and the user’s hook: the pack’s rules go, the file and the hook stay', async () => {
    const text = `{\n  "permissions": {\n    "deny": [\n      "Read(./**/.env)"\n    ]\n  },\n  "hooks": {}\n}\n`;
    const repo = npmProject({
      [SETTINGS]: text,
      '.yo-rc.json': yoRc({
        settings: [
          { path: '/permissions', value: { deny: ['Read(./**/.env)'] } },
          { path: '/hooks', value: {} },
        ],
        createdSettings: true,
      }),
    });
    const uninstall = await runInProcess(repo, ['uninstall']);
    expectClean(uninstall);
    expect(ignoredClaims(uninstall)).toStrictEqual(['"hooks"']);
    expect(readFileSync(join(repo, SETTINGS), 'utf8')).toBe('{\n  "hooks": {}\n}\n');
    expect(uninstall.stdout).toContain(`cleaned   ${SETTINGS}`);
  });

  it('a file the pack created goes when only the pack’s own $schema is left, compared as JSON', async () => {
    const text =
      '{"$schema":"https://json.schemastore.org/claude-code-settings.json","permissions":{"allow":["Bash(npm test *)"]}}';
    const repo = npmProject({
      [SETTINGS]: text,
      '.yo-rc.json': yoRc({
        settings: [{ path: '/permissions', value: { allow: ['Bash(npm test *)'] } }],
        createdSettings: true,
      }),
    });
    const uninstall = await runInProcess(repo, ['uninstall']);
    expectClean(uninstall);
    expect(uninstall.stdout).toContain(`removed   ${SETTINGS}`);
    expect(readTree(repo)[SETTINGS]).toBeUndefined();
  });

  it('a forged declined list cannot drop the secret-deny rules silently: each run names them', async () => {
    const secrets = ['Read(./**/.env)', 'Read(./**/.env.*)'];
    const repo = npmProject({
      '.yo-rc.json': yoRc({
        settings: [],
        declined: [
          { path: '/permissions/deny', items: secrets },
          { path: '/hooks', value: HOOKS },
        ],
      }),
    });
    const install = await runInProcess(repo, ['--yes']);
    expectClean(install);
    expect(ignoredClaims(install)).toStrictEqual([HOOK_GROUP]);
    const deny = JSON.parse(readFileSync(join(repo, SETTINGS), 'utf8')).permissions.deny;
    expect(deny).not.toContain(secrets[0]);
    expect(deny).toContain('Read(./**/*.pem)');
    const named = `  declined  ${SETTINGS}: ${secrets.join(', ')} (deny rules that keep secrets from being read; the install record says you removed them, so updates leave them out: put them back in ${SETTINGS} to have them again)`;
    expect(install.stdout.split('\n')).toContain(named);
    const again = await runInProcess(repo, ['--yes']);
    expectClean(again);
    expect(again.stdout).toMatch(/already up to date/);
    expect(again.stdout.split('\n')).toContain(named);
  });

  it('a pending note (a run said to be stopped half-way) is held to the same claims', async () => {
    const repo = npmProject({
      [SETTINGS]: USERS,
      '.yo-rc.json': yoRc({
        settings: [],
        pending: { settings: CLAIMS_ON_USERS, declined: [], createdSettings: true, createdFolders: [] },
      }),
    });
    const update = await runInProcess(repo, ['--yes']);
    expectClean(update);
    expect(ignoredClaims(update)).toStrictEqual(['"Read(./secrets/**)"', HOOK_GROUP]);
    const merged = JSON.parse(readFileSync(join(repo, SETTINGS), 'utf8'));
    expect(merged.hooks).toStrictEqual(HOOKS);
    expect(merged.permissions.deny[0]).toBe('Read(./secrets/**)');

    writeFiles(repo, {
      '.yo-rc.json': yoRc({
        settings: [],
        pending: { settings: CLAIMS_ON_USERS, declined: [], createdSettings: true, createdFolders: [] },
      }),
      [SETTINGS]: USERS,
    });
    const uninstall = await runInProcess(repo, ['uninstall']);
    expectClean(uninstall);
    expect(readFileSync(join(repo, SETTINGS), 'utf8')).toBe(USERS);
  });
});

describe('a record of 20,000 rules', () => {
  const users = '{\n\t"permissions": {\n\t\t"allow": [\n\t\t\t"Bash(mine *)"\n\t\t]\n\t},\n\t"model": "opus"\n}\n';
  const rules = Array.from({ length: 20_000 }, (_, index) => `Bash(tool-${index} --flag *)`);
  const withRules = users.replace(
    '"Bash(mine *)"',
    `"Bash(mine *)"${rules.map((rule) => `,\n\t\t\t"${rule}"`).join('')}`,
  );
  const repo = () =>
    npmProject({
      [SETTINGS]: withRules,
      '.yo-rc.json': yoRc({ settings: [{ path: '/permissions/allow', items: rules }] }),
    });

  it('uninstall takes them out in linear time (one parse, one edit), giving back the user’s bytes exactly', async () => {
    const project = repo();
    const uninstall = await runInProcess(project, ['uninstall']);
    expectClean(uninstall);
    expect(uninstall.ms).toBeLessThan(10_000);
    expect(readFileSync(join(project, SETTINGS), 'utf8')).toBe(users);
  });

  it('an update retires them in linear time too (one pass of removals, one parse per append), keeping the user’s', async () => {
    const project = repo();
    const update = await runInProcess(project, ['--yes']);
    expectClean(update);
    expect(update.ms).toBeLessThan(20_000);
    const settings = readFileSync(join(project, SETTINGS), 'utf8');
    expect(settings).not.toContain('tool-');
    expect(JSON.parse(settings).permissions.allow).toStrictEqual([
      'Bash(mine *)',
      'Bash(npm test *)',
      'Bash(npm run build *)',
    ]);
    expect(JSON.parse(settings).model).toBe('opus');
  });
});
