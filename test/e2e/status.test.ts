import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion, packRoot } from '../../generators/io/paths.js';
import { packTemplates } from '../../generators/io/templates.js';
import { DEFAULT_ANSWERS, selectedPaths } from '../../generators/lib/catalogue.js';
import { contentHash } from '../../generators/lib/eol.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, makeRepo, mtimes, readTree, tempFolder, writeFiles, writeManifestOf } from '../helpers/repo.js';

const PACK_FILE_COUNT = selectedPaths(DEFAULT_ANSWERS, Object.keys(packTemplates().files)).length;

const SETTINGS = '.claude/settings.json';
const SKILL = '.claude/skills/tester/SKILL.md';

async function installed(): Promise<string> {
  const repo = makeRepo();
  const run = await runInProcess(repo, ['--yes']);
  expect(run.status, run.output).toBe(0);
  return repo;
}

async function statusJson(repo: string, args: string[] = []) {
  const run = await runInProcess(repo, ['status', '--json', ...args]);
  expect(hasStackTrace(run.output), run.output).toBe(false);
  return { run, report: JSON.parse(run.stdout) };
}

function editSettings(repo: string, edit: (settings: any) => void): void {
  const settings = JSON.parse(readFileSync(join(repo, SETTINGS), 'utf8'));
  edit(settings);
  writeFileSync(join(repo, SETTINGS), JSON.stringify(settings, null, 2));
}

describe('generator-ai-pack status', () => {
  it('after a --yes install: exit 0, ok, every file unchanged, no enforcement, valid settings', async () => {
    const repo = await installed();
    const before = mtimes(repo);
    const { run, report } = await statusJson(repo);
    expect(mtimes(repo)).toStrictEqual(before);
    expect(run.status, run.output).toBe(0);
    expect(report).toMatchObject({
      installed: packageVersion,
      package: packageVersion,
      files: { modified: [], missing: [] },
      enforcement: [],
      settings: { valid: true, problems: [] },
      ok: true,
    });
    expect(report.files.unchanged).toContain(SKILL);
    expect(report.files.unchanged).toHaveLength(PACK_FILE_COUNT);

    const human = await runInProcess(repo, ['status']);
    expect(human.status, human.output).toBe(0);
    expect(human.output).toMatch(new RegExp(`${PACK_FILE_COUNT} unchanged, 0 modified by you, 0 missing`));
    expect(human.output).toMatch(/All is well\./);
  });

  it("an edited file is listed as modified, and is not an error (edits are the user's right)", async () => {
    const repo = await installed();
    writeFileSync(join(repo, SKILL), 'my own tester skill\n');
    const { run, report } = await statusJson(repo);
    expect(run.status, run.output).toBe(0);
    expect(report.files.modified).toStrictEqual([SKILL]);
    expect(report.files.unchanged).not.toContain(SKILL);
    expect(report.ok).toBe(true);
    expect((await runInProcess(repo, ['status'])).output).toMatch(
      new RegExp(`modified\\s+${SKILL.replaceAll('.', '\\.')}`),
    );
  });

  it('a deleted file is missing: exit 1', async () => {
    const repo = await installed();
    rmSync(join(repo, SKILL));
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report.files.missing).toStrictEqual([SKILL]);
    expect(report.ok).toBe(false);
    const human = await runInProcess(repo, ['status']);
    expect(human.status).toBe(1);
    expect(human.output).toMatch(new RegExp(`missing\\s+${SKILL.replaceAll('.', '\\.')}`));
  });

  it('an enforcement hook in settings is listed: exit 1', async () => {
    const repo = await installed();
    editSettings(repo, (settings) => {
      settings.hooks = {
        UserPromptSubmit: [
          { hooks: [{ type: 'command', command: 'python3 .claude/hooks/orchestrator-enforcement.py' }] },
        ],
      };
    });
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report.enforcement).toHaveLength(1);
    expect(report.enforcement[0]).toMatch(/UserPromptSubmit hook runs orchestrator-enforcement\.py/);
    expect(report.settings.valid).toBe(true);
    expect((await runInProcess(repo, ['status'])).output).toMatch(/enforcement\s+1 found/);
  });

  it('settings the client would reject: exit 1 with each problem', async () => {
    const repo = await installed();
    editSettings(repo, (settings) => {
      settings.permissions.ask = 'Bash(rm:*)';
      settings.env = { 'bad-name': 'x' };
    });
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report.settings).toStrictEqual({
      valid: false,
      problems: [
        'permissions.ask: must be a list of strings',
        'env.bad-name: names are upper case letters, digits and _',
      ],
      warnings: [],
    });
    const human = await runInProcess(repo, ['status']);
    expect(human.status).toBe(1);
    expect(human.output).toMatch(/settings\s+invalid/);
    expect(human.output).toContain('permissions.ask: must be a list of strings');
  });

  it('not installed: exit 1, installed null', async () => {
    const repo = makeRepo({ 'README.md': '# x\n' });
    const before = readTree(repo);
    const { run, report } = await statusJson(repo);
    expect(readTree(repo), 'status writes nothing, not even .yo-rc.json').toStrictEqual(before);
    expect(run.status).toBe(1);
    expect(report).toMatchObject({ installed: null, package: packageVersion, ok: false });
    const human = await runInProcess(repo, ['status']);
    expect(human.status).toBe(1);
    expect(human.output).toMatch(/installed\s+no\b/);
  });

  it('an older installed version: exit 1', async () => {
    const repo = await installed();
    writeManifestOf(repo, (manifest) => {
      manifest.version = '0.0.1';
    });
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report).toMatchObject({ installed: '0.0.1', package: packageVersion, ok: false });
    expect(report.files.missing).toStrictEqual([]);
  });

  it('--json prints only the JSON report on stdout', async () => {
    const repo = await installed();
    const run = await runInProcess(repo, ['status', '--json']);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout.trim().startsWith('{')).toBe(true);
    expect(Object.keys(JSON.parse(run.stdout)).sort()).toStrictEqual([
      'declined',
      'enforcement',
      'files',
      'installed',
      'ok',
      'package',
      'pending',
      'settings',
      'source',
      'warnings',
    ]);
  });

  it('status <dir> from another working directory reports that repository', async () => {
    const repo = await installed();
    rmSync(join(repo, SKILL));
    const elsewhere = tempFolder('ai-pack-cwd-');
    const run = await runInProcess(elsewhere, ['status', repo, '--json']);
    expect(run.status, run.output).toBe(1);
    expect(JSON.parse(run.stdout).files.missing).toStrictEqual([SKILL]);
    // The relative form, and a healthy repo exits 0.
    const healthy = await installed();
    const ok = await runInProcess(join(healthy, '..'), ['status', healthy.split('/').pop()!]);
    expect(ok.status, ok.output).toBe(0);
    expect(ok.output).toMatch(/All is well\./);
  });

  it('recognises a hand copy of templates/pack by its version stamp and compares it with this package', async () => {
    const repo = makeRepo();
    cpSync(packRoot, repo, { recursive: true });
    writeFileSync(join(repo, SKILL), `${readFileSync(join(repo, SKILL), 'utf8')}\nMy own note.\n`);
    const { run, report } = await statusJson(repo);
    expect(run.status, run.output).toBe(0);
    expect(report).toMatchObject({
      installed: packageVersion,
      source: 'hand copy',
      files: { modified: [SKILL], missing: [] },
      ok: true,
    });
    expect(report.files.unchanged).toContain('.claude/skills/orchestrator/references/decision-tree.md');
  });

  it('a hand copy with a file deleted is not well (exit 1)', async () => {
    const repo = makeRepo();
    cpSync(packRoot, repo, { recursive: true });
    rmSync(join(repo, '.claude/agents/reviewer.md'));
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report.files.missing).toStrictEqual(['.claude/agents/reviewer.md']);
  });

  it('skills of the user own (no pack stamp) are not taken for a hand copy', async () => {
    const repo = makeRepo({ [SKILL]: '---\nname: tester\ndescription: Mine.\n---\nMy tester.\n' });
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report).toMatchObject({ installed: null, source: null, ok: false });
  });
});

describe('status: what waits for the user, and a pack loaded twice', () => {
  /** An install whose tester skill the user edited, updated from an older pack: the new version waits beside it. */
  async function withPendingNewVersion(): Promise<string> {
    const repo = await installed();
    writeFileSync(join(repo, SKILL), 'my own tester skill\n');
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = contentHash('what an older pack wrote\n');
    });
    const update = await runInProcess(repo, ['--yes']);
    expect(update.status, update.output).toBe(0);
    expect(existsSync(join(repo, `${SKILL}.ai-pack-new`))).toBe(true);
    return repo;
  }

  it('lists a pending .ai-pack-new file and what to do with it; not "All is well" (exit 1) until it is dealt with', async () => {
    const repo = await withPendingNewVersion();
    const { run, report } = await statusJson(repo);
    expect(run.status).toBe(1);
    expect(report.pending).toStrictEqual([`${SKILL}.ai-pack-new`]);
    expect(report.ok).toBe(false);
    const human = await runInProcess(repo, ['status']);
    expect(human.status).toBe(1);
    expect(human.output).toContain(`  pending    ${SKILL}.ai-pack-new (the pack's version of ${SKILL})`);
    expect(human.output).toContain(`diff ${SKILL} ${SKILL}.ai-pack-new`);
    expect(human.output).toMatch(/then delete the \.ai-pack-new file; or run the generator without --yes/);
    expect(human.output).not.toMatch(/All is well/);

    rmSync(join(repo, `${SKILL}.ai-pack-new`));
    const after = await runInProcess(repo, ['status']);
    expect(after.status, after.output).toBe(0);
    expect(after.output).toMatch(/All is well\./);
  });

  it('also lists the version-named file written beside an .ai-pack-new the user edited; a forged version names none', async () => {
    const repo = await withPendingNewVersion();
    writeFileSync(join(repo, `${SKILL}.ai-pack-new`), 'my notes on the new version\n');
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    const versioned = `${SKILL}.ai-pack-new-${packageVersion}`;
    expect(existsSync(join(repo, versioned))).toBe(true);
    expect((await statusJson(repo)).report.pending).toStrictEqual([`${SKILL}.ai-pack-new`, versioned]);

    writeManifestOf(repo, (manifest) => {
      manifest.version = '../../x';
    });
    const { report } = await statusJson(repo);
    expect(report.pending).toStrictEqual([`${SKILL}.ai-pack-new`]);
  });

  it('a record that lists no real pack file is not "All is well"', async () => {
    const repo = await installed();
    for (const files of [{}, { '.git/HEAD': contentHash('x') }]) {
      writeManifestOf(repo, (manifest) => {
        manifest.files = files;
      });
      const { run, report } = await statusJson(repo);
      expect(run.status).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.warnings).toStrictEqual([
        '.yo-rc.json records an install of the pack but lists none of its files: nothing of the pack is installed here.',
      ]);
      const human = await runInProcess(repo, ['status']);
      expect(human.output).not.toMatch(/All is well/);
      expect(human.output).toMatch(/Run the generator with --yes/);
    }
  });

  it('the plugin form lists no file and is well', async () => {
    const repo = makeRepo();
    expect((await runInProcess(repo, ['--yes', '--plugin-settings', 'acme/generator-ai-pack'])).status).toBe(0);
    const { run, report } = await statusJson(repo);
    expect(run.status, run.output).toBe(0);
    expect(report.warnings).toStrictEqual([]);
  });

  const PLUGIN_ON = '{ "enabledPlugins": { "ai-pack@generator-ai-pack": true } }\n';
  const PLUGIN_OFF = '{ "enabledPlugins": { "ai-pack@generator-ai-pack": false } }\n';

  it('warns when the plugin is enabled in the user settings and the pack is installed in the project; the install warns too', async () => {
    const home = tempFolder('ai-pack-home-');
    writeFiles(home, { '.claude/settings.json': PLUGIN_ON });
    const repo = makeRepo();
    const install = await runInProcess(repo, ['--yes'], { env: { HOME: home } });
    expect(install.status, install.output).toBe(0);
    expect(install.stderr).toMatch(
      /warning: the ai-pack plugin is enabled \(ai-pack@generator-ai-pack in ~\/\.claude\/settings\.json\) and the pack is installed in this project too/,
    );
    const run = await runInProcess(repo, ['status', '--json'], { env: { HOME: home } });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).warnings[0]).toMatch(/every skill shows up twice/);
    const human = await runInProcess(repo, ['status'], { env: { HOME: home } });
    expect(human.output).toMatch(/warning: the ai-pack plugin is enabled/);
    expect(human.output).not.toMatch(/All is well/);

    // The project's local settings turn it off for this project: the most local file wins, as in the client.
    writeFiles(repo, { '.claude/settings.local.json': PLUGIN_OFF });
    const off = await runInProcess(repo, ['status'], { env: { HOME: home } });
    expect(off.status, off.output).toBe(0);
  });

  it("warns when the project's own settings enable the plugin beside the project install", async () => {
    const home = tempFolder('ai-pack-home-');
    const repo = await installed();
    editSettings(repo, (settings) => {
      settings.enabledPlugins = { 'ai-pack@generator-ai-pack': true };
    });
    const run = await runInProcess(repo, ['status'], { env: { HOME: home } });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/ai-pack@generator-ai-pack in \.claude\/settings\.json/);
  });
});
