// The real Claude Code client, run in isolation. Node built-ins only, so that the bench
// (plain `node`, type stripping) can import this file as well as the vitest tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The native binary of the pinned client. `@anthropic-ai/claude-code` installs the one platform
 * package that fits this machine; its own install script (which would link it as `claude`) does
 * not run, by the project's allowScripts, so the binary is called where that package keeps it.
 */
const windows = process.platform === 'win32';
export const claudeBinary = join(
  projectRoot,
  `node_modules/@anthropic-ai/claude-code-${process.platform}-${process.arch}/claude${windows ? '.exe' : ''}`,
);

const homes: string[] = [];

/** A fresh, empty HOME: the client reads and writes its config there, never the user's. */
export function throwAwayHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'ai-pack-home-'));
  homes.push(home);
  return home;
}

/** Removes every throw-away home made so far (the tests' clean-up calls it after each file). */
export function removeThrowAwayHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

export interface ClientResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the client runs in: `home` as HOME, no colour, nothing from an outer Claude Code session. */
export function clientEnvironment(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CLAUDE|ANTHROPIC)/.test(name)));
  // The client keeps sockets and scratch files in TMPDIR: inside the home, they go when it goes.
  const tmp = join(home, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return { ...env, HOME: home, TMPDIR: tmp, NO_COLOR: '1', FORCE_COLOR: '0' };
}

/**
 * Runs `claude <args>` with no TTY and stdin closed, so it cannot wait for input; the
 * timeout is the last guard against a hang. Variables of an outer Claude Code session
 * (CLAUDE_*, ANTHROPIC_*) are dropped so the child sees only `home`.
 */
export function runClaude(
  args: string[],
  options: { cwd: string; home: string; timeoutMs?: number; prefix?: string[] },
): ClientResult {
  // `prefix` runs the client through another command, e.g. offline() from repo.ts to cut the network.
  const [command, ...commandArgs] = [...(options.prefix ?? []), claudeBinary, ...args];
  const result = spawnSync(command, commandArgs, {
    cwd: options.cwd,
    input: '',
    env: clientEnvironment(options.home),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
