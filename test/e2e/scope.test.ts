import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, readTree, snapshot, tempFolder } from '../helpers/repo.js';

/** The record of a personal install: `file` in `folder`. */
function readManifestOf(folder: string, file: string): any {
  return JSON.parse(readFileSync(join(folder, file), 'utf8'))['generator-ai-pack'];
}

/** A throw-away home folder with personal settings of the user's own. */
function home(): string {
  const folder = tempFolder('ai-pack-home-');
  mkdirSync(join(folder, '.claude'));
  writeFileSync(join(folder, '.claude/settings.json'), '{\n\t"model": "opus"\n}\n');
  return folder;
}

describe('--scope user: one install for every repository of this user', () => {
  it('writes the skills and agents into ~/.claude with a record of its own, no permissions; status and uninstall follow it', async () => {
    const folder = home();
    const elsewhere = tempFolder('ai-pack-cwd-');
    const before = snapshot(folder);
    const env = { HOME: folder };

    const install = await runInProcess(elsewhere, ['--yes', '--scope', 'user'], { env });
    expect(install.status, install.output).toBe(0);
    const tree = readTree(folder);
    const packFiles = Object.keys(readTree(packRoot)).filter((path) => path !== '.claude/settings.json');
    for (const path of packFiles) expect(tree[path], path).toBe(readFileSync(join(packRoot, path), 'utf8'));
    expect(tree['.claude/settings.json']).toBe('{\n\t"model": "opus"\n}\n');
    expect(JSON.parse(tree['.claude/generator-ai-pack.json']!)['generator-ai-pack'].version).toBeTypeOf('string');
    expect(install.stdout).toMatch(/No permissions were written to ~\/\.claude\/settings\.json/);
    expect(snapshot(elsewhere)).toStrictEqual({});

    const status = await runInProcess(elsewhere, ['status', '--scope', 'user', '--json'], { env });
    expect(status.status, status.output).toBe(0);
    expect(JSON.parse(status.stdout).files.unchanged).toHaveLength(packFiles.length);

    const uninstall = await runInProcess(elsewhere, ['uninstall', '--scope', 'user', '--yes'], { env });
    expect(uninstall.status, uninstall.output).toBe(0);
    expect(snapshot(folder)).toStrictEqual(before);
  });

  it('--user-settings also merges the permissions into ~/.claude/settings.json, in its own formatting; uninstall gives the bytes back', async () => {
    const folder = home();
    const before = snapshot(folder);
    const env = { HOME: folder };
    const install = await runInProcess(
      folder,
      ['--yes', '--scope', 'user', '--user-settings', '--test-command', 'make test'],
      { env },
    );
    expect(install.status, install.output).toBe(0);
    const settings = readFileSync(join(folder, '.claude/settings.json'), 'utf8');
    expect(settings).toMatch(/^\{\n\t"model": "opus",\n/);
    expect(JSON.parse(settings).permissions.allow).toStrictEqual(['Bash(make test *)']);
    expect(install.stdout).toMatch(/permissions in ~\/\.claude\/settings\.json, where they apply in every folder/);
    expect((await runInProcess(folder, ['uninstall', '--scope', 'user'], { env })).status).toBe(0);
    expect(snapshot(folder)).toStrictEqual(before);
  });

  it('the home folder is not a project: without --scope user the generator stops before writing and points at it', async () => {
    const folder = home();
    const before = snapshot(folder);
    const run = await runInProcess(folder, ['--yes'], { env: { HOME: folder } });
    expect(run.status, run.output).toBe(1);
    expect(run.stderr).toMatch(/is your home folder, not a project.*--scope user/);
    expect(hasStackTrace(run.output)).toBe(false);
    expect(snapshot(folder)).toStrictEqual(before);
  });

  it('an unknown scope is a clear error', async () => {
    const folder = home();
    const run = await runInProcess(folder, ['--yes', '--scope', 'global'], { env: { HOME: folder } });
    expect(run.status, run.output).toBe(1);
    expect(run.stderr).toMatch(/--scope "global": give "project" .* or "user"/);
  });

  it('uninstall removes a ~/.claude the install made, and only that', async () => {
    const folder = tempFolder('ai-pack-home-');
    const env = { HOME: folder };
    expect((await runInProcess(folder, ['--yes', '--scope', 'user'], { env })).status).toBe(0);
    expect(readManifestOf(join(folder, '.claude'), 'generator-ai-pack.json').createdFolders).toContain('.claude');
    const run = await runInProcess(folder, ['uninstall', '--scope', 'user'], { env });
    expect(run.status, run.output).toBe(0);
    expect(snapshot(folder)).toStrictEqual({});
  });

  it('--user-settings with no command: no empty allow list, and the summary says so; a command given is approved and named', async () => {
    const folder = home();
    const env = { HOME: folder };
    const bare = await runInProcess(folder, ['--yes', '--scope', 'user', '--user-settings'], { env });
    expect(bare.status, bare.output).toBe(0);
    const settings = JSON.parse(readFileSync(join(folder, '.claude/settings.json'), 'utf8'));
    expect(settings.permissions).not.toHaveProperty('allow');
    expect(settings.permissions.deny).toContain('Read(./**/.env)');
    expect(bare.stdout).toMatch(/no rule\s+for a test command \(none given\); add one with --test-command/);

    const run = await runInProcess(folder, ['--yes', '--scope', 'user', '--test-command', 'make test'], { env });
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toMatch(/approved\s+test command "make test" \(--test-command\)/);
    expect(JSON.parse(readFileSync(join(folder, '.claude/settings.json'), 'utf8')).permissions.allow).toStrictEqual([
      'Bash(make test *)',
    ]);
  });

  it('--user-settings is remembered; --no-user-settings takes the permissions out again, bytes as before', async () => {
    const folder = home();
    const before = readFileSync(join(folder, '.claude/settings.json'), 'utf8');
    const env = { HOME: folder };
    expect((await runInProcess(folder, ['--yes', '--scope', 'user', '--user-settings'], { env })).status).toBe(0);
    const merged = readFileSync(join(folder, '.claude/settings.json'), 'utf8');
    const again = await runInProcess(folder, ['--yes', '--scope', 'user'], { env });
    expect(again.status, again.output).toBe(0);
    expect(again.output).toMatch(/already up to date/);
    expect(readFileSync(join(folder, '.claude/settings.json'), 'utf8')).toBe(merged);
    const off = await runInProcess(folder, ['--yes', '--scope', 'user', '--no-user-settings'], { env });
    expect(off.status, off.output).toBe(0);
    expect(off.stdout).toMatch(
      /changed\s+permissions in ~\/\.claude\/settings\.json: now no \(--no-user-settings\), was yes/,
    );
    expect(readFileSync(join(folder, '.claude/settings.json'), 'utf8')).toBe(before);
  });

  it('a record of 0.2.0 (which kept no such answer) with permissions in ~/.claude/settings.json keeps them', async () => {
    const folder = home();
    const env = { HOME: folder };
    expect((await runInProcess(folder, ['--yes', '--scope', 'user', '--user-settings'], { env })).status).toBe(0);
    const record = join(folder, '.claude/generator-ai-pack.json');
    const rc = JSON.parse(readFileSync(record, 'utf8'));
    delete rc['generator-ai-pack'].sources;
    delete rc['generator-ai-pack'].answers.userSettings;
    delete rc['generator-ai-pack'].answers.pluginSettings;
    writeFileSync(record, JSON.stringify(rc, null, 2));
    const merged = readFileSync(join(folder, '.claude/settings.json'), 'utf8');
    const run = await runInProcess(folder, ['--yes', '--scope', 'user'], { env });
    expect(run.status, run.output).toBe(0);
    expect(readFileSync(join(folder, '.claude/settings.json'), 'utf8')).toBe(merged);
    expect(readManifestOf(join(folder, '.claude'), 'generator-ai-pack.json').answers.userSettings).toBe(true);
  });

  it('an answer that changes no file updates the record alone, named where it is', async () => {
    const folder = tempFolder('ai-pack-home-');
    const env = { HOME: folder };
    const args = ['--yes', '--scope', 'user', '--skills', 'orchestrator'];
    expect((await runInProcess(folder, [...args, '--no-agents'], { env })).status).toBe(0);
    // The orchestrator alone spawns no role of the pack's: agents or not, no file changes.
    const run = await runInProcess(folder, [...args, '--agents'], { env });
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toMatch(/updated\s+~\/\.claude\/generator-ai-pack\.json \(the install record\)/);
  });

  it('--user-settings belongs to --scope user: in a project it is an error', async () => {
    const repo = tempFolder('ai-pack-repo-');
    const run = await runInProcess(repo, ['--yes', '--user-settings'], { env: { HOME: home() } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--user-settings: only with --scope user/);
  });
});
