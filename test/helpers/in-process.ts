import { Console } from 'node:console';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../generators/io/paths.js';
import type { RunResult } from './repo.js';

/**
 * Runs the command in this test process: the launcher's own function (generators/launcher.ts, from the
 * bundle the package ships) with the same words, in `cwd`, its output captured. About 50 ms a run instead of a
 * process's 300, for every test whose point is what the command does, not how a process starts. What only a
 * process shows (the command line, `yo`, a terminal, another user, no network, two runs at once) is
 * tested with runLauncher (./repo.ts).
 *
 * Like runLauncher: no terminal (stdin is an empty stream, so nothing is ever asked), no colours, and
 * `env` added to this process's environment for the run. What a process exit would do is done: output
 * after process.exit() is dropped, and `exit` listeners (the repository lock's release) run.
 */
export async function runInProcess(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<RunResult> {
  const started = performance.now();
  const saved = {
    cwd: process.cwd(),
    exitCode: process.exitCode,
    exit: process.exit,
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    stdin: Object.getOwnPropertyDescriptor(process, 'stdin')!,
    exitListeners: process.listeners('exit'),
    console: globalThis.console,
  };
  const env = { FORCE_COLOR: '0', NO_COLOR: '1', ...options.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  let stdout = '';
  let stderr = '';
  let exitedWith: number | undefined;
  let status = 0;
  try {
    setEnv(env);
    process.chdir(cwd);
    process.exitCode = undefined;
    process.stdout.write = capture((text) => {
      if (exitedWith === undefined) stdout += text;
    });
    process.stderr.write = capture((text) => {
      if (exitedWith === undefined) stderr += text;
    });
    process.exit = (code?: number | string | null) => {
      exitedWith ??= Number(code ?? process.exitCode ?? 0);
      throw new Error(`process.exit(${exitedWith}) in-process: the run stops here`);
    };
    // The test runner's console reports to the runner; the command's console writes to the streams.
    globalThis.console = new Console(process.stdout, process.stderr);
    Object.defineProperty(process, 'stdin', { value: Readable.from([]), configurable: true, enumerable: true });
    await (await launcher()).runCli(args);
  } finally {
    status = exitedWith ?? Number(process.exitCode ?? 0);
    for (const listener of process.listeners('exit')) {
      if (saved.exitListeners.includes(listener)) continue;
      process.removeListener('exit', listener);
      listener(status);
    }
    process.stdout.write = saved.stdoutWrite;
    process.stderr.write = saved.stderrWrite;
    process.exit = saved.exit;
    globalThis.console = saved.console;
    Object.defineProperty(process, 'stdin', saved.stdin);
    process.exitCode = saved.exitCode;
    process.chdir(saved.cwd);
    setEnv(savedEnv);
  }
  return { status, stdout, stderr, output: stdout + stderr, ms: performance.now() - started };
}

let loaded: Promise<{ runCli: (argv: string[]) => Promise<void> }> | undefined;

/** The bundle's launcher module, loaded once per test file (by Node itself, not transformed by vitest). */
function launcher(): Promise<{ runCli: (argv: string[]) => Promise<void> }> {
  loaded ??= import(pathToFileURL(join(packageRoot, 'dist/generators/launcher.js')).href);
  return loaded;
}

/** A stream's write() that hands the text to `append` and reports it written. */
function capture(append: (text: string) => void): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  }) as typeof process.stdout.write;
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
