// The pinned coding clients other than Claude Code (npm dev dependencies), run offline in a clean environment:
// nothing of this machine's but PATH and a locale, a throw-away HOME and TMPDIR, no credential, and no network
// but loopback (a network namespace of their own, where this machine allows one). A client that needs a model
// gets the multi-API stand-in (./stand-in/apis.ts) in that namespace, through ./stand-in/offline-client.ts.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { throwAwayHome } from './claude.js';
import { offline, runAsync } from './repo.js';
import type { ApiRequest, ApiToolCall } from './stand-in/apis.js';
import { standInEnvironment } from './stand-in/claude-code.js';
import type { OfflineRun } from './stand-in/offline-client.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const modules = join(projectRoot, 'node_modules');
const platform = `${process.platform}-${process.arch}`;

/**
 * How each client is started. Codex, Gemini CLI and Copilot CLI through their npm shims (each finds its
 * platform's build); OpenCode's shim is a placeholder its install script replaces, and the project's
 * allowScripts denies that script, so its platform package's binary is called directly.
 */
export const CLIENT_COMMANDS = {
  codex: [join(modules, '.bin/codex')],
  gemini: [process.execPath, join(modules, '@google/gemini-cli/bundle/gemini.js')],
  copilot: [join(modules, '.bin/copilot')],
  opencode: [join(modules, `opencode-${platform}/bin/opencode`)],
} as const;

/** Codex's native binary, which its shim starts (for reading the names in it). */
export function codexBinary(): string {
  const vendor = join(modules, `@openai/codex-${platform}/vendor`);
  const [target] = readdirSync(vendor);
  return join(vendor, target, 'bin/codex');
}

/** Copilot CLI unpacks 235 MB on its first run in a HOME: here once, shared by every run (and test run). */
export const COPILOT_CACHE = join(modules, '.cache/copilot-package');

/**
 * The environment every client starts from: the stand-in harness's clean one (as `env -i` would leave it, with
 * `home` as HOME, and proxies to nowhere where no network namespace can be made), and the switches that keep
 * OpenCode from fetching or updating and let Copilot CLI find its unpacked package.
 */
export function cleanEnvironment(home: string): Record<string, string> {
  return {
    ...standInEnvironment(home),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    COPILOT_PKG_CACHE_HOME: COPILOT_CACHE,
  };
}

export interface OfflineResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** What the stand-in received, in order. */
  requests: ApiRequest[];
}

/**
 * Runs `command` in `cwd` with the stand-in beside it (`{{STAND_IN}}` in its arguments and environment is the
 * stand-in's URL), offline; resolves with its result. Asynchronous, so that several clients run at once.
 */
export async function runOffline(options: {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
  toolCalls?: ApiToolCall[];
  timeoutMs?: number;
}): Promise<OfflineResult> {
  const namespace = offline();
  const run: OfflineRun = {
    command: [...options.command],
    cwd: options.cwd,
    env: options.env,
    toolCalls: options.toolCalls,
    timeoutMs: options.timeoutMs ?? 120_000,
    loopback: namespace !== undefined,
  };
  const script = join(projectRoot, 'test/helpers/stand-in/offline-client.ts');
  const [program, ...args] = [...(namespace ?? []), process.execPath, script];
  const ran = await runAsync(program, args, {
    env: { STAND_IN_RUN: JSON.stringify(run) },
    timeoutMs: run.timeoutMs + 10_000,
  });
  if (ran.status !== 0) throw new Error(`offline-client.ts exited with ${ran.status}: ${ran.stderr}`);
  return JSON.parse(ran.stdout);
}

/** A throw-away HOME with the given files (`path` relative to it). */
export function homeWith(files: Record<string, string> = {}): string {
  const home = throwAwayHome();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(home, path)), { recursive: true });
    writeFileSync(join(home, path), content);
  }
  return home;
}
