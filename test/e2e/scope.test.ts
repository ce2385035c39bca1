import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/lib/paths.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, readTree, snapshot, tempFolder } from '../helpers/repo.js';

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
});
