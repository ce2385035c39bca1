// Answers on real folders: option values checked where the answers table declares them, the plugin form
// remembered like every answer, and updates that keep what was chosen and work out again what was guessed.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import {
  expectRerunChangesNothing,
  hasStackTrace,
  makeRepo,
  mtimes,
  npmProject,
  readManifestOf,
  readTree,
  writeManifestOf,
} from '../helpers/repo.js';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/projects', name);
const settingsOf = (root: string) => JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8'));

/** A repository holding a copy of a project fixture (trimmed from a real public repository). */
function projectFrom(name: string): string {
  const repo = makeRepo();
  cpSync(fixture(name), repo, { recursive: true });
  return repo;
}

/** Makes the record look as 0.1.0 wrote it: no sources, none of the answers added since. */
function asWrittenBy010(repo: string): void {
  writeManifestOf(repo, (record) => {
    record.version = '0.1.0';
    delete record.sources;
    delete record.answers.pluginSettings;
    delete record.answers.userSettings;
  });
}

describe('an option without its value', () => {
  it.each([
    [['--build-command', '--dry-run', '--yes'], '--build-command'],
    [['--yes', '--test-command', '-y'], '--test-command'],
    [['--skills', '--yes'], '--skills'],
    [['--yes', '--plugin-settings', '--force'], '--plugin-settings'],
  ])('%j: an error naming the option, exit 1, nothing written', async (args, option) => {
    const repo = npmProject();
    const before = readTree(repo);
    const times = mtimes(repo);
    const run = await runInProcess(repo, args);
    expect(run.status, run.output).toBe(1);
    expect(run.stderr).toContain(`${option}: "${args[args.indexOf(option) + 1]}" is an option, not a value`);
    expect(run.stderr).toContain(`${option} needs its value right after it`);
    expect(hasStackTrace(run.output)).toBe(false);
    expect(readTree(repo)).toStrictEqual(before);
    expect(mtimes(repo)).toStrictEqual(times);
  });
});

describe('--plugin-settings is an answer like the others', () => {
  it('remembered: the next plain --yes keeps the plugin form (no skill files, the marketplace and plugin stay)', async () => {
    const repo = npmProject();
    const first = await runInProcess(repo, ['--yes', '--plugin-settings', 'acme/generator-ai-pack']);
    expect(first.status, first.output).toBe(0);
    expect(readManifestOf(repo).answers.pluginSettings).toBe('acme/generator-ai-pack');
    expect(readManifestOf(repo).sources.pluginSettings).toBe('option');
    await expectRerunChangesNothing(repo);
    expect(existsSync(join(repo, '.claude/skills'))).toBe(false);
    const settings = settingsOf(repo);
    expect(settings.extraKnownMarketplaces['generator-ai-pack'].source).toStrictEqual({
      source: 'github',
      repo: 'acme/generator-ai-pack',
    });
    expect(settings.enabledPlugins).toStrictEqual({ 'ai-pack@generator-ai-pack': true });
    expect(settings.permissions.allow).toStrictEqual([
      'Bash(npm test *)',
      'Bash(npm run build *)',
      'Edit(/.claude/worktrees/**)',
    ]);
  });

  it('--plugin-settings "" goes back to the full pack and takes the plugin entries out, naming them', async () => {
    const repo = npmProject();
    expect((await runInProcess(repo, ['--yes', '--plugin-settings', 'acme/generator-ai-pack'])).status).toBe(0);
    const run = await runInProcess(repo, ['--yes', '--plugin-settings', '']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(join(repo, '.claude/skills/orchestrator/SKILL.md'))).toBe(true);
    const settings = settingsOf(repo);
    expect(settings).not.toHaveProperty('enabledPlugins');
    expect(settings).not.toHaveProperty('extraKnownMarketplaces');
    expect(run.stdout).toMatch(
      /changed\s+plugin settings: now none \(the full pack\) \(--plugin-settings\), was "acme/,
    );
  });

  it.each(['OWNER/generator-ai-pack', 'https://github.com/OWNER/generator-ai-pack.git'])(
    "the README's placeholder %s is refused with a message, nothing written",
    async (source) => {
      const repo = npmProject();
      const before = readTree(repo);
      const run = await runInProcess(repo, ['--yes', '--plugin-settings', source]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/still holds the placeholder OWNER: put the GitHub account/);
      expect(hasStackTrace(run.output)).toBe(false);
      expect(readTree(repo)).toStrictEqual(before);
    },
  );

  it('a 0.2.0 record of the plugin form (which kept no such answer) keeps the plugin form too', async () => {
    const repo = npmProject();
    expect((await runInProcess(repo, ['--yes', '--plugin-settings', 'acme/generator-ai-pack'])).status).toBe(0);
    asWrittenBy010(repo);
    const settings = readFileSync(join(repo, '.claude/settings.json'), 'utf8');
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(join(repo, '.claude/skills'))).toBe(false);
    expect(readFileSync(join(repo, '.claude/settings.json'), 'utf8')).toBe(settings);
    expect(readManifestOf(repo).answers.pluginSettings).toBe('acme/generator-ai-pack');
    const status = await runInProcess(repo, ['status']);
    expect(status.output).not.toMatch(/lists none of its files/);
  });

  it('belongs to a project: with --scope user it is an error', async () => {
    const home = makeRepo();
    const run = await runInProcess(home, ['--yes', '--scope', 'user', '--plugin-settings', 'acme/x'], {
      env: { HOME: home },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--plugin-settings: for a project install, not --scope user/);
  });
});

describe('updates keep what was chosen and work out again what was guessed', () => {
  it('a Laravel app whose 0.1.0 record has no test command (nothing was detected then) now gets composer test', async () => {
    const repo = projectFrom('laravel');
    // What 0.1.0 wrote here: no test command (package.json has no test script), npm run build.
    const install = await runInProcess(repo, ['--yes', '--test-command', '', '--build-command', 'npm run build']);
    expect(install.status, install.output).toBe(0);
    asWrittenBy010(repo);

    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(settingsOf(repo).permissions.allow).toStrictEqual(['Bash(npm run build *)', 'Bash(composer test *)']);
    expect(run.stdout).toMatch(
      /changed\s+test command: now "composer test" \(detected again: composer\.json script "test"\), was none; it was a guess, not your choice \(--test-command "" brings it back\)/,
    );
    expect(run.stdout).toMatch(/approved\s+test command "composer test" \(detected: composer\.json script "test"\)/);
    const record = readManifestOf(repo);
    expect(record.answers.testCommand).toBe('composer test');
    expect(record.sources).toMatchObject({ testCommand: 'detected', buildCommand: 'detected', skills: 'default' });
  });

  it("a Bun project: 0.1.0's npm test is detected again, and the retired rule is named", async () => {
    const repo = projectFrom('bun-hono');
    expect(
      (await runInProcess(repo, ['--yes', '--test-command', 'npm test', '--build-command', 'npm run build'])).status,
    ).toBe(0);
    asWrittenBy010(repo);

    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    const { testCommand } = readManifestOf(repo).answers;
    expect(testCommand).toMatch(/^bun /);
    expect(settingsOf(repo).permissions.allow).not.toContain('Bash(npm test *)');
    expect(run.stdout).toMatch(
      /retired\s+\.claude\/settings\.json: took out Bash\(npm test \*\), Bash\(npm run build \*\) the pack added before/,
    );
    expect(run.stdout).toMatch(/changed\s+test command: now "bun .*, was "npm test"; it was a guess/);
  });

  it('a Bun project keeps npm test when the user chose it', async () => {
    const repo = projectFrom('bun-hono');
    expect((await runInProcess(repo, ['--yes', '--test-command', 'npm test'])).status).toBe(0);
    expect(readManifestOf(repo).sources.testCommand).toBe('option');
    await expectRerunChangesNothing(repo);
    expect(readManifestOf(repo).answers.testCommand).toBe('npm test');
    const run = await runInProcess(repo, ['--yes']);
    expect(run.stdout).toMatch(/approved\s+test command "npm test" \(saved in \.yo-rc\.json\)/);
  });

  it('a 0.1.0 record whose command no version guessed counts it as chosen: kept, and recorded so', async () => {
    const repo = projectFrom('bun-hono');
    expect((await runInProcess(repo, ['--yes', '--test-command', 'make check'])).status).toBe(0);
    asWrittenBy010(repo);
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).not.toMatch(/changed\s+test command/);
    expect(readManifestOf(repo).answers.testCommand).toBe('make check');
    expect(readManifestOf(repo).sources.testCommand).toBe('chosen');
  });

  it('the first merge into settings.json of the user names the rules it added, never a JSON pointer', async () => {
    const repo = npmProject({ '.claude/settings.json': '{\n  "model": "opus"\n}\n' });
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toMatch(
      /merged\s+\.claude\/settings\.json: added \$schema, Bash\(npm test \*\), Bash\(npm run build \*\), Read\(\.\/\*\*\/\.env\)/,
    );
    expect(run.stdout).not.toMatch(/ \/(permissions|\$schema)/);
  });
});

describe('the record and the backups, named', () => {
  it('the first install says to commit .yo-rc.json; a backup folder tells git to ignore it', async () => {
    const repo = npmProject();
    const run = await runInProcess(repo, ['--yes']);
    expect(run.stdout).toMatch(/^Next: Commit \.claude\/ and \.yo-rc\.json \(the install record/m);
    const again = await runInProcess(repo, ['--yes']);
    expect(again.stdout).toMatch(/^Next: Open Claude Code here/m);
  });
});
