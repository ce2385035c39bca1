// Runs one coding client beside the multi-API stand-in (./apis.ts), for a test that starts this script with plain
// `node` inside a network namespace of its own (`unshare --net`): there the only network is loopback, brought
// up here, so the client can reach the stand-in and nothing else. The run is described by a JSON object in
// the environment variable STAND_IN_RUN; `{{STAND_IN}}` in the client's arguments and environment becomes the
// stand-in's root URL. Prints one JSON object: the client's exit status, its output, and the requests the
// stand-in recorded. Node built-ins only (and ./apis.ts), since it runs outside vitest.
import { spawn, spawnSync } from 'node:child_process';
import { type ApiToolCall, startApiStandIn } from './apis.ts';

export interface OfflineRun {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** Calls the stand-in answers the first model request with. */
  toolCalls?: ApiToolCall[];
  timeoutMs: number;
  /** Bring loopback up first: true inside a new network namespace. */
  loopback: boolean;
}

const run: OfflineRun = JSON.parse(process.env.STAND_IN_RUN ?? 'null');
if (run.loopback) {
  const up = spawnSync('ip', ['link', 'set', 'lo', 'up'], { env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' } });
  if (up.status !== 0) throw new Error(`cannot bring loopback up: ${up.stderr}`);
}
const standIn = await startApiStandIn({ toolCalls: run.toolCalls });
const fill = (text: string) => text.replaceAll('{{STAND_IN}}', standIn.url);
const [program, ...args] = run.command.map(fill);
const started = performance.now();
const child = spawn(program, args, {
  cwd: run.cwd,
  env: Object.fromEntries(Object.entries(run.env).map(([name, value]) => [name, fill(value)])),
  stdio: ['ignore', 'pipe', 'pipe'],
  timeout: run.timeoutMs,
});
let stdout = '';
let stderr = '';
child.stdout.on('data', (chunk) => (stdout += chunk));
child.stderr.on('data', (chunk) => (stderr += chunk));
const status = await new Promise<number | null>((resolve) => {
  child.on('error', (error) => {
    stderr += String(error);
    resolve(null);
  });
  child.on('close', resolve);
});
await standIn.close();
process.stdout.write(
  JSON.stringify({ status, stdout, stderr, ms: Math.round(performance.now() - started), requests: standIn.requests }),
);
