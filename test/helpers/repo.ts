import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { expect } from 'vitest';
import { packageRoot, packRoot } from '../../generators/io/paths.js';
import { runInProcess } from './in-process.js';

/** The command the package ships (package.json "bin"), as `npx generator-ai-pack` runs it. Tests run after `npm run build`. */
export const launcher = join(packageRoot, 'bin/generator-ai-pack.js');
/** The Node that runs the tests (the project's Node 24), used for every child process too. */
export const node = process.execPath;

const temporaryFolders: string[] = [];

/** A new temporary folder, removed after the test file's tests (test/helpers/cleanup.ts). */
export function tempFolder(prefix = 'ai-pack-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * A real temporary git repository, world-writable so that `yo` (which drops root) can write it too.
 * `files` are committed to disk before the generator runs.
 */
export function makeRepo(files: Record<string, string> = {}): string {
  const root = tempFolder('ai-pack-repo-');
  chmodSync(root, 0o777);
  execFileSync('git', ['init', '-q'], { cwd: root });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for messages that may go to either. */
  output: string;
  /** Wall time, for generous bounds that catch a hang or super-linear work (speed is measured in test/bench/). */
  ms: number;
}

/** Runs the launcher in `cwd` as a user would: no TTY, stdin closed unless `input` is given. */
export function runLauncher(
  cwd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; prefix?: string[] } = {},
): RunResult {
  const started = performance.now();
  // `prefix` runs the launcher through another command, e.g. asNobody() to drop root.
  const [command, ...commandArgs] = [...(options.prefix ?? []), node, launcher, ...args];
  const result = spawnSync(command, commandArgs, {
    cwd,
    input: options.input ?? '',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    output: result.stdout + result.stderr,
    ms: performance.now() - started,
  };
}

/**
 * Runs a command without blocking this process, so that several can run side by side (tests that wait on
 * many processes at once); killed after `timeoutMs`.
 */
export function runAsync(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, output: stdout + stderr, ms: performance.now() - started });
    });
  });
}

/** runLauncher without blocking: the launcher in `cwd`, through `prefix` (e.g. asNobody()) if given. */
export function runLauncherAsync(
  cwd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; prefix?: string[]; timeoutMs?: number } = {},
): Promise<RunResult> {
  const [command, ...rest] = [...(options.prefix ?? []), node, launcher, ...args];
  return runAsync(command, rest, { ...options, cwd });
}

/** Every file below `root` (but .git), repo-relative with forward slashes, mapped to its content. */
export function readTree(root: string, dir = ''): Record<string, string> {
  const entries = readdirSync(join(root, dir), { withFileTypes: true });
  return Object.assign(
    {},
    ...entries
      .filter((entry) => entry.name !== '.git')
      .map((entry) => {
        const relative = posix.join(dir, entry.name);
        return entry.isDirectory()
          ? readTree(root, relative)
          : { [relative]: readFileSync(join(root, relative), 'utf8') };
      }),
  );
}

/** Path → mtime in ms, to prove a run changed no file. */
export function mtimes(root: string): Record<string, number> {
  return Object.fromEntries(Object.keys(readTree(root)).map((path) => [path, statSync(join(root, path)).mtimeMs]));
}

/** Writes `files` (repo-relative path → content) into an existing folder, creating parent folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** The tree without the given paths (e.g. `.yo-rc.json`), for comparisons that ignore them. */
export function without(tree: Record<string, string>, ...paths: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([path]) => !paths.includes(path)));
}

/** True when the output holds a JavaScript stack frame ("    at fn (file:line:col)"). */
export function hasStackTrace(output: string): boolean {
  return /^\s+at .*(:\d+:\d+\)?|<anonymous>)\s*$/m.test(output);
}

/** The `generator-ai-pack` entry of a repository's `.yo-rc.json`. */
export function readManifestOf(root: string): any {
  return JSON.parse(readFileSync(join(root, '.yo-rc.json'), 'utf8'))['generator-ai-pack'];
}

/** Rewrites the `generator-ai-pack` entry of `.yo-rc.json` (2-space JSON, as Yeoman writes it). */
export function writeManifestOf(root: string, edit: (manifest: any) => void): void {
  const path = join(root, '.yo-rc.json');
  const rc = JSON.parse(readFileSync(path, 'utf8'));
  edit(rc['generator-ai-pack']);
  writeFileSync(path, `${JSON.stringify(rc, null, 2)}\n`);
}

/**
 * Runs `command args` as the unprivileged user `nobody` (tests run as root, which ignores permission
 * bits), through util-linux `setpriv`; undefined when that is not possible on this machine. Its own
 * folder for the generator's locks and cache is in the test run's temporary folder (see global-setup.ts).
 */
export function asNobody(): string[] | undefined {
  const probe = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']);
  if (probe.status !== 0) return undefined;
  const cache = `XDG_CACHE_HOME=${join(tmpdir(), 'user-cache-nobody')}`;
  return ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', 'env', cache];
}

/** Runs `command args` with no network at all (a new, empty network namespace); undefined where that is not possible. */
export function offline(): string[] | undefined {
  return spawnSync('unshare', ['--net', 'true']).status === 0 ? ['unshare', '--net'] : undefined;
}

/** The files in the backup folders, by the path they were backed up from (not the folder's own .gitignore). */
export function backups(repo: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readTree(repo))
      .filter(([path]) => path.startsWith('.claude/ai-pack-backup/') && path !== '.claude/ai-pack-backup/.gitignore')
      .map(([path, content]) => [path.replace(/^\.claude\/ai-pack-backup\/[^/]+\//, ''), content]),
  );
}

/** Runs `--yes` again and proves it changed nothing (same bytes, same mtimes) and said so. */
export async function expectRerunChangesNothing(repo: string): Promise<void> {
  const tree = readTree(repo);
  const times = mtimes(repo);
  const run = await runInProcess(repo, ['--yes']);
  expect(run.status, run.output).toBe(0);
  expect(run.output).toMatch(/already up to date/i);
  expect(readTree(repo)).toStrictEqual(tree);
  expect(mtimes(repo)).toStrictEqual(times);
}

/**
 * Every entry below `root` (but .git) as it really is: a file's bytes, a link's target (never followed),
 * `<fifo>` for a named pipe, `<dir>` for a folder; for proving a run left every byte and link alone.
 */
export function snapshot(root: string, dir = ''): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.name === '.git' && dir === '') continue;
    if (entry.isSymbolicLink()) result[path] = `<link to ${readlinkSync(join(root, path))}>`;
    else if (entry.isFIFO()) result[path] = '<fifo>';
    else if (entry.isDirectory()) Object.assign(result, { [path]: '<dir>' }, snapshot(root, path));
    else result[path] = readFileSync(join(root, path), 'latin1');
  }
  return result;
}

/** An npm project with test and build scripts: where `--yes` approves `npm test` / `npm run build`, as templates/pack does. */
export const NPM_PACKAGE_JSON = '{ "name": "demo", "scripts": { "test": "vitest", "build": "tsc" } }\n';

export function npmProject(files: Record<string, string> = {}): string {
  return makeRepo({ 'package.json': NPM_PACKAGE_JSON, ...files });
}

/** What `--yes` leaves in `npmProject()`: templates/pack, plus the project's own package.json. */
export function packTree(): Record<string, string> {
  return { ...readTree(packRoot), 'package.json': NPM_PACKAGE_JSON };
}
