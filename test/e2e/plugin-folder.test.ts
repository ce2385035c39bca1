// Where `generator-ai-pack plugin DIR` may write: a folder it makes, an empty folder, or one holding its own
// marketplace; nothing else of the user's is ever overwritten. (The marketplace's content and the real
// client: test/plugin.test.ts.)
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../generators/io/paths.js';
import { pluginSources } from '../../generators/io/templates.js';
import { MARKETPLACE_PATH, pluginFiles } from '../../generators/lib/plugin.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, makeRepo, readTree, snapshot, tempFolder, writeFiles } from '../helpers/repo.js';

const MARKETPLACE = pluginFiles(pluginSources());

describe('generator-ai-pack plugin DIR: the folder', () => {
  it('a missing folder is made (the README example), under an existing parent', async () => {
    const parent = tempFolder('ai-pack-parent-');
    const where = join(parent, 'ai-pack-marketplace');
    const run = await runInProcess(parent, ['plugin', where]);
    expect(run.status, run.output).toBe(0);
    expect(readTree(where)).toStrictEqual(MARKETPLACE);
    expect(run.stdout).toContain(`claude plugin marketplace add ${where}`);
  });

  it('a missing parent is an error naming it; nothing is made', async () => {
    const parent = tempFolder('ai-pack-parent-');
    const run = await runInProcess(parent, ['plugin', join(parent, 'a/b')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the folder ${join(parent, 'a')} does not exist`);
    expect(hasStackTrace(run.output)).toBe(false);
    expect(readdirSync(parent)).toStrictEqual([]);
  });

  it('--dry-run for a missing folder makes nothing and lists what would be added', async () => {
    const parent = tempFolder('ai-pack-parent-');
    const where = join(parent, 'market');
    const run = await runInProcess(parent, ['plugin', where, '--dry-run']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(where)).toBe(false);
    expect(run.stdout).toMatch(/dry run: nothing was written/);
    expect(run.stdout).toContain(`added     ${where}/ (the folder; it does not exist yet)`);
    expect(run.stdout).toContain(`added     ${MARKETPLACE_PATH}`);
  });

  it('a .git folder is never made', async () => {
    const parent = tempFolder('ai-pack-parent-');
    const run = await runInProcess(parent, ['plugin', join(parent, '.git')]);
    expect(run.status).toBe(1);
    expect(readdirSync(parent)).toStrictEqual([]);
  });

  it("a plugin/ of the user's without a marketplace manifest is refused; every byte stays", async () => {
    const dir = tempFolder('ai-pack-mine-');
    writeFiles(dir, { 'plugin/README.md': '# my plugin notes\n', 'plugin/skills/mine/SKILL.md': 'mine\n' });
    const before = snapshot(dir);
    const run = await runInProcess(dir, ['plugin', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /holds 1 entry \(plugin\) and no marketplace of the pack's \(\.claude-plugin\/marketplace\.json\): the plugin generator writes only into an empty folder, one it made, or one holding its own marketplace/,
    );
    expect(hasStackTrace(run.output)).toBe(false);
    expect(snapshot(dir)).toStrictEqual(before);
  });

  it('an empty folder, or one holding only a .git of its own, is filled', async () => {
    const empty = tempFolder('ai-pack-empty-');
    expect((await runInProcess(empty, ['plugin', empty])).status).toBe(0);
    expect(readTree(empty)).toStrictEqual(MARKETPLACE);
    const repo = makeRepo();
    const run = await runInProcess(repo, ['plugin', repo]);
    expect(run.status, run.output).toBe(0);
    expect(readTree(repo)).toStrictEqual(MARKETPLACE);
  });

  it('a folder holding its own marketplace (a run stopped after the manifest) is finished', async () => {
    const dir = tempFolder('ai-pack-half-');
    writeFiles(dir, { [MARKETPLACE_PATH]: MARKETPLACE[MARKETPLACE_PATH] });
    const run = await runInProcess(dir, ['plugin', dir]);
    expect(run.status, run.output).toBe(0);
    expect(readTree(dir)).toStrictEqual(MARKETPLACE);
  });

  it('plugin ~ is told to use a folder of its own, not about .claude', async () => {
    const home = tempFolder('ai-pack-home-');
    mkdirSync(join(home, 'projects'));
    const before = snapshot(home);
    const run = await runInProcess(packageRoot, ['plugin', home], { env: { HOME: home } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${home} is your home folder: the marketplace goes into a folder of its own, e.g. generator-ai-pack plugin ~/ai-pack-marketplace`,
    );
    expect(run.stderr).not.toMatch(/\.claude|--scope user/);
    expect(snapshot(home)).toStrictEqual(before);
  });
});
