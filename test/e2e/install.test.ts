import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageVersion, packRoot } from '../../generators/io/paths.js';
import { ANSWER_SPECS } from '../../generators/lib/answers.js';
import { ROLES } from '../../generators/lib/catalogue.js';
import { SECTION_END, SECTION_START } from '../../generators/lib/claude-md.js';
import { runInProcess } from '../helpers/in-process.js';
import {
  hasStackTrace,
  makeRepo,
  NPM_PACKAGE_JSON,
  node,
  npmProject,
  offline,
  packTree,
  readManifestOf,
  readTree,
  runLauncher,
  tempFolder,
  without,
} from '../helpers/repo.js';

const settingsOf = (root: string) => JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8'));

describe('fresh install', () => {
  it('a repository with nothing recognisable gets no command rule, and the summary says how to add one', async () => {
    const repo = makeRepo();
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    // No rule, and no empty allow list either.
    expect(settingsOf(repo).permissions).not.toHaveProperty('allow');
    expect(run.stdout).toMatch(
      /no rule\s+for a test command \(nothing detected\); add one with --test-command "<command>"/,
    );
    expect(run.stdout).not.toMatch(/approved\s+no /);
  });

  it('a folder git does not track installs with a warning saying so; a git repository gets none', async () => {
    const folder = tempFolder('ai-pack-plain-');
    writeFileSync(join(folder, 'package.json'), NPM_PACKAGE_JSON);
    const run = await runInProcess(folder, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(run.stderr).toContain(
      `warning: ${folder} is not in a git repository: the pack is meant to be committed with the project`,
    );
    const repo = npmProject();
    expect((await runInProcess(repo, ['--yes'])).stderr).not.toMatch(/git repository/);
  });

  it('the summary and --dry-run name each approved command and why', async () => {
    const repo = makeRepo({ 'pyproject.toml': '[project]\nname = "demo"\n', 'uv.lock': 'version = 1\n' });
    const dry = await runInProcess(repo, ['--yes', '--dry-run']);
    expect(dry.status, dry.output).toBe(0);
    expect(dry.stdout).toMatch(/approved\s+test command "uv run pytest" \(detected: from uv\.lock\)/);
    expect(readTree(repo)).toStrictEqual({
      'pyproject.toml': '[project]\nname = "demo"\n',
      'uv.lock': 'version = 1\n',
    });
    const run = await runInProcess(repo, ['--yes', '--build-command', 'make dist']);
    expect(run.stdout).toMatch(/approved\s+build command "make dist" \(--build-command\)/);
    expect(settingsOf(repo).permissions.allow).toEqual(
      expect.arrayContaining(['Bash(uv run pytest *)', 'Bash(make dist *)']),
    );
  });

  it('the summary lists every file written and a "Next:" step', async () => {
    const repo = npmProject();
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    for (const path of Object.keys(readTree(packRoot))) {
      expect(run.output).toMatch(new RegExp(`^\\s+added\\s+${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'm'));
    }
    expect(run.output).toMatch(/^Next: \S/m);
  });

  it('--skills orchestrator,tester --no-agents with custom commands writes only those skills and rules', async () => {
    const repo = makeRepo();
    const run = await runInProcess(repo, [
      '--yes',
      '--skills',
      'orchestrator,tester',
      '--no-agents',
      '--test-command',
      'pytest',
      '--build-command',
      '',
    ]);
    expect(run.status, run.output).toBe(0);

    const paths = Object.keys(readTree(repo)).sort();
    const expected = Object.keys(readTree(packRoot))
      .filter((path) => path.startsWith('.claude/skills/orchestrator/') || path.startsWith('.claude/skills/tester/'))
      .concat('.claude/settings.json', '.yo-rc.json')
      .sort();
    expect(paths).toStrictEqual(expected);
    expect(existsSync(join(repo, '.claude/agents'))).toBe(false);

    const allow: string[] = settingsOf(repo).permissions.allow;
    expect(allow).toStrictEqual(['Bash(pytest *)']);
    // The rest of the pack's rules are still there.
    expect(settingsOf(repo).permissions.deny).toStrictEqual(settingsOf(packRoot).permissions.deny);
  });

  it('--claude-md adds the marked section to an existing CLAUDE.md and keeps every other byte', async () => {
    const mine = '# My project\r\n\r\nUse tabs.\tAlways.\n\n<!-- my own marker -->\nLast line without newline';
    const repo = makeRepo({ 'CLAUDE.md': mine });
    const run = await runInProcess(repo, ['--yes', '--claude-md']);
    expect(run.status, run.output).toBe(0);

    const text = readFileSync(join(repo, 'CLAUDE.md'), 'utf8');
    expect(text.startsWith(mine)).toBe(true);
    const start = text.indexOf(SECTION_START);
    const end = text.indexOf(SECTION_END);
    expect(start).toBeGreaterThanOrEqual(mine.length);
    expect(end).toBeGreaterThan(start);
    // Only separators after the user's text and around the section.
    expect(text.slice(mine.length, start).trim()).toBe('');
    expect(text.slice(end + SECTION_END.length).trim()).toBe('');
    expect(text.slice(start, end)).toMatch(/orchestrator/);
    expect(run.output).toMatch(/^\s+updated\s+CLAUDE\.md/m);
  });

  it('remembers the answers in .yo-rc.json and a second --yes run reuses them', async () => {
    const repo = makeRepo();
    const first = await runInProcess(repo, [
      '--yes',
      '--skills',
      'tester,engineer',
      '--no-agents',
      '--test-command',
      'make check',
      '--build-command',
      '',
    ]);
    expect(first.status, first.output).toBe(0);
    expect(readManifestOf(repo).answers).toStrictEqual({
      skills: ['engineer', 'tester'],
      clients: ['claude'],
      testCommand: 'make check',
      buildCommand: '',
      agents: false,
      claudeMd: false,
      pluginSettings: '',
      userSettings: false,
    });
    const before = readTree(repo);

    const second = await runInProcess(repo, ['--yes']);
    expect(second.status, second.output).toBe(0);
    expect(readTree(repo)).toStrictEqual(before);
    expect(existsSync(join(repo, '.claude/skills/orchestrator'))).toBe(false);
    expect(settingsOf(repo).permissions.allow).toContain('Bash(make check *)');
  });
});

// What only a process shows: the command as npx, npm and yo start it, its --help and --version, and no network.
describe('real process: the shipped command', () => {
  it('--yes in an npm project writes exactly templates/pack/, byte for byte (hand copy == --yes)', () => {
    const generated = npmProject();
    const run = runLauncher(generated, ['--yes']);
    expect(run.status, run.output).toBe(0);

    const handCopied = npmProject();
    cpSync(packRoot, handCopied, { recursive: true });

    const tree = readTree(generated);
    expect(Object.keys(tree)).toContain('.yo-rc.json');
    expect(without(tree, '.yo-rc.json')).toStrictEqual(readTree(handCopied));
    // Nothing but the pack: no backup folder, no .ai-pack-new file, no CLAUDE.md.
    expect(Object.keys(tree).sort()).toStrictEqual([...Object.keys(packTree()), '.yo-rc.json'].sort());
  });

  it('--help lists every option and mentions the sub-generators', () => {
    const run = runLauncher(makeRepo(), ['--help']);
    expect(run.status, run.output).toBe(0);
    for (const option of [
      '--yes',
      '--skills',
      '--test-command',
      '--build-command',
      '--agents',
      '--claude-md',
      '--force',
      '--dry-run',
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toMatch(/--no-agents/);
    const subs = readdirSync(join(packageRoot, 'dist/generators'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() &&
          entry.name !== 'app' &&
          existsSync(join(packageRoot, 'dist/generators', entry.name, 'index.js')),
      )
      .map((entry) => entry.name);
    expect(run.stdout).toMatch(/Sub-generators/i);
    for (const sub of subs) expect(run.stdout).toContain(sub);
  });

  it('--help lists --version and the option of every answer in the answers table', () => {
    const run = runLauncher(makeRepo(), ['--help']);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toMatch(/-V, --version\s+Print the version of generator-ai-pack/);
    for (const spec of ANSWER_SPECS) expect(run.stdout).toContain(`--${spec.option}`);
  });

  it('--version prints the package version, and nothing else', () => {
    const run = runLauncher(makeRepo(), ['--version']);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toBe(`${packageVersion}\n`);
    expect(run.stderr).toBe('');
  });

  it.skipIf(!offline())('works with no network at all', () => {
    const repo = npmProject();
    const run = runLauncher(repo, ['--yes'], { prefix: offline() });
    expect(run.status, run.output).toBe(0);
    expect(without(readTree(repo), '.yo-rc.json')).toStrictEqual(packTree());
  });

  it("the README's command, `npm run ai-pack -- <repo>`, installs into that repo (relative to where it is typed)", () => {
    const repo = npmProject();
    const npm = (cwd: string, args: string[]) =>
      spawnSync('npm', args, {
        cwd,
        input: '',
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, NO_COLOR: '1' },
      });
    const fromClone = npm(packageRoot, ['run', '--silent', 'ai-pack', '--', repo, '--yes']);
    expect(fromClone.status, fromClone.stdout + fromClone.stderr).toBe(0);
    expect(without(readTree(repo), '.yo-rc.json')).toStrictEqual(packTree());
    // The repository is not below where the command was typed: the next step names it by its whole path.
    expect(fromClone.stdout).toContain(`open Claude Code in ${repo} and ask it`);
    // Typed in the user's own folder (npm --prefix): "." is that folder, not this package's.
    const other = npmProject();
    const fromRepo = npm(other, ['--prefix', packageRoot, 'run', '--silent', 'ai-pack', '--', '.', '--yes']);
    expect(fromRepo.status, fromRepo.stdout + fromRepo.stderr).toBe(0);
    expect(fromRepo.stdout).toContain('open Claude Code here and ask it');
    expect(without(readTree(other), '.yo-rc.json')).toStrictEqual(packTree());
    expect(existsSync(join(packageRoot, '.yo-rc.json'))).toBe(false);
  });

  it('`yo ai-pack --yes` through the real yo installs the same files', () => {
    // yo drops root, so HOME and the target must be writable by any user.
    const { repo, result } = runYo(0o777, { 'package.json': NPM_PACKAGE_JSON });
    const output = result.stdout + result.stderr;
    expect(result.status, output).toBe(0);
    expect(hasStackTrace(output), output).toBe(false);
    expect(without(readTree(repo), '.yo-rc.json')).toStrictEqual(packTree());
    expect(readManifestOf(repo).answers.skills).toStrictEqual([...ROLES]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    '`yo ai-pack` started as root in a folder root owns: says yo dropped root and what to run instead',
    () => {
      // As a root user runs it: yo switches to an unprivileged user, HOME and the folder stay root's.
      const { repo, result } = runYo(0o755);
      const output = result.stdout + result.stderr;
      expect(result.status, output).not.toBe(0);
      expect(output).toMatch(
        /yo was started as root, so it runs generators as an unprivileged user \(uid \d+\), who cannot write to /,
      );
      expect(output).toContain('Run the generator without yo, as root: npx generator-ai-pack');
      expect(hasStackTrace(output), output).toBe(false);
      expect(readTree(repo)).toStrictEqual({});
    },
  );
});

/**
 * Runs the real `yo ai-pack --yes` in a new git repository holding `files`, its folders (and HOME) of `mode`.
 * yo finds generators in node_modules folders above the working directory: the package is linked into a
 * parent folder's node_modules, as `npm install generator-ai-pack` would. No network.
 */
function runYo(mode: number, files: Record<string, string> = {}) {
  const parent = tempFolder('ai-pack-yo-');
  mkdirSync(join(parent, 'node_modules'));
  symlinkSync(packageRoot, join(parent, 'node_modules/generator-ai-pack'));
  const home = join(parent, 'home');
  const repo = join(parent, 'repo');
  mkdirSync(home);
  mkdirSync(repo);
  for (const folder of [parent, home, repo]) chmodSync(folder, mode);
  spawnSync('git', ['init', '-q'], { cwd: repo });
  for (const [path, content] of Object.entries(files)) writeFileSync(join(repo, path), content);
  const yo = join(packageRoot, 'node_modules/yo/lib/cli.js');
  const result = spawnSync(node, [yo, 'ai-pack', '--yes', '--no-insight'], {
    cwd: repo,
    input: '',
    encoding: 'utf8',
    timeout: 60_000,
    // The user yo runs as keeps the generator's folder (locks, compile cache) in that HOME too.
    env: { ...process.env, HOME: home, XDG_CACHE_HOME: '', FORCE_COLOR: '0', NO_COLOR: '1', NODE_PATH: '' },
  });
  return { repo, result };
}
