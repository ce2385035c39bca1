// `npm run bench`: times the shipped command (bin/generator-ai-pack.js, the bundle) against Anthropic's own
// scaffolder (`claude plugin init`): a fresh `--yes` install with Node's compile cache warm, empty and off, an
// update with nothing to do, `status`, `uninstall` and `--help`, with each run's peak memory. Then it
// prints the pack's token figures and size. Run after `npm run build` with the project's Node 24:
// `node test/bench/bench.ts`. `--update-budget` also rewrites docs/token-budget.json (the figures
// test/budget.test.ts holds the pack to). Times are printed, never asserted: they depend on the machine.
// Plain `node` cannot resolve the `.js` specifiers of the TypeScript sources, so this script
// imports only `.ts` files that use node built-ins.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeBinary, clientEnvironment, runClaude } from '../helpers/claude.ts';
import { BUDGETS, committedFiguresFile, flatten, measurePack, overBudget } from './budget.ts';

const RUNS = 11;
const bin = fileURLToPath(new URL('../../bin/generator-ai-pack.js', import.meta.url));
/** GNU time reports a child's peak resident memory; without it the bench gives times only. */
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/** Every repository, HOME and compile cache of the bench lives here and goes at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'ai-pack-bench-'));
/**
 * The user's cache folder of the warm runs (XDG_CACHE_HOME: the command keeps its compile cache and its locks
 * in generator-ai-pack/ there), filled by the warm-up round, as by a user's first run.
 */
const warmCache = mkdtempSync(join(scratch, 'cache-home-'));

interface Sample {
  ms: number;
  /** Peak resident memory in KiB, when GNU time is there to tell. */
  peakKiB?: number;
}

/** Runs a command to completion and times it, spawn to exit; fails loudly if the command fails. */
function measure(
  what: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Sample {
  const peakFile = join(scratch, 'peak');
  const argv = gnuTime ? [gnuTime, '-f', '%M', '-o', peakFile, command, ...args] : [command, ...args];
  const started = performance.now();
  const result = spawnSync(argv[0], argv.slice(1), { ...options, input: '', encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr}`);
  return { ms, peakKiB: gnuTime ? Number(readFileSync(peakFile, 'utf8').trim().split('\n').at(-1)) : undefined };
}

function emptyRepo(): string {
  const repo = mkdtempSync(join(scratch, 'repo-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  return repo;
}

function runPack(repo: string, args: string[], cacheHome = warmCache, extraEnv: NodeJS.ProcessEnv = {}): Sample {
  const env = {
    ...process.env,
    NODE_COMPILE_CACHE: undefined,
    XDG_CACHE_HOME: cacheHome,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...extraEnv,
  };
  return measure(`generator-ai-pack ${args.join(' ')}`, process.execPath, [bin, ...args], { cwd: repo, env });
}

function installedRepo(): string {
  const repo = emptyRepo();
  runPack(repo, ['--yes']);
  return repo;
}

const CLIENT = 'claude plugin init';
const INSTALL = 'install --yes';
const COLD = 'install --yes, compile cache empty';
const NO_CACHE = 'install --yes, compile cache off';
let lastInstall = '';
let updated = '';
/** One installed repository for the no-op update and status runs, made on first use. */
function updatedRepo(): string {
  if (!updated) updated = installedRepo();
  return updated;
}
const contenders: Record<string, () => Sample> = {
  [CLIENT]: () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    return measure(CLIENT, claudeBinary, ['plugin', 'init', 'bench-plugin'], {
      cwd: home,
      env: clientEnvironment(home),
    });
  },
  [INSTALL]: () => {
    lastInstall = emptyRepo();
    return runPack(lastInstall, ['--yes']);
  },
  // The first `npx generator-ai-pack` on a machine: nothing compiled yet.
  [COLD]: () => runPack(emptyRepo(), ['--yes'], mkdtempSync(join(scratch, 'empty-cache-'))),
  // What the command would cost without a compile cache at all (NODE_DISABLE_COMPILE_CACHE turns it off).
  [NO_CACHE]: () => runPack(emptyRepo(), ['--yes'], warmCache, { NODE_DISABLE_COMPILE_CACHE: '1' }),
  'update with nothing to do (--yes)': () => runPack(updatedRepo(), ['--yes']),
  status: () => runPack(updatedRepo(), ['status']),
  uninstall: () => runPack(installedRepo(), ['uninstall']),
  '--help': () => runPack(scratch, ['--help']),
};

/** The targets, as ratios to `claude plugin init`. */
const TIME_TARGETS: Record<string, string> = { [INSTALL]: '≤ 0.6', [COLD]: '≤ 1.0', [NO_CACHE]: '≤ 1.0' };
const MEMORY_TARGET = 0.6;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const mib = (kib: number) => (kib / 1024).toFixed(0);

try {
  const loadBefore = loadavg()[0];
  // One warm-up round (file cache, compile cache), then rounds in turn so that drift on the machine hits all alike.
  for (const run of Object.values(contenders)) run();
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(contenders)) samples[name].push(run());
  const loadAfter = loadavg()[0];

  const client = runClaude(['--version'], { cwd: scratch, home: mkdtempSync(join(scratch, 'home-')) }).stdout.trim();
  const cpu = cpus();
  console.log(
    `${new Date().toISOString().slice(0, 16)}Z, ${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
  );
  console.log(
    `Node ${process.version}, ${claudeBinary.split('/').slice(-2, -1)[0]} ${client}, ${RUNS} runs each after one warm-up round\n`,
  );

  const clientTime = median(samples[CLIENT].map((sample) => sample.ms));
  const clientPeak = gnuTime ? median(samples[CLIENT].map((sample) => sample.peakKiB ?? 0)) : 0;
  const installTime = median(samples[INSTALL].map((sample) => sample.ms));
  console.log('| run | median s | min s | max s | × plugin init | target | peak MiB | × plugin init |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, runs] of Object.entries(samples)) {
    const times = runs.map((sample) => sample.ms);
    const time = median(times);
    const peak = gnuTime ? median(runs.map((sample) => sample.peakKiB ?? 0)) : undefined;
    const target =
      name === CLIENT ? '' : (TIME_TARGETS[name] ?? `≤ install (${(installTime / clientTime).toFixed(2)})`);
    const memoryRatio =
      peak === undefined || name === CLIENT ? '' : `${(peak / clientPeak).toFixed(2)} (target ≤ ${MEMORY_TARGET})`;
    console.log(
      `| ${name} | ${seconds(time)} | ${seconds(Math.min(...times))} | ${seconds(Math.max(...times))} | ` +
        `${name === CLIENT ? '1' : (time / clientTime).toFixed(2)} | ${target} | ${peak === undefined ? 'n/a' : mib(peak)} | ${memoryRatio} |`,
    );
  }

  const figures = measurePack(lastInstall);
  console.log(
    `\nToken figures (claude plugin details; budgets: always-on ${BUDGETS.alwaysOn}, skill on invoke ${BUDGETS.skillOnInvoke}, each reference ${BUDGETS.reference})`,
  );
  for (const [label, tokens] of flatten(figures)) console.log(`  ${label.padEnd(34)} ${tokens}`);
  const over = overBudget(figures);
  console.log(over.length ? `OVER BUDGET:\n  ${over.join('\n  ')}` : 'All within budget.');

  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.name === '.git' ? [] : entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const installed = files(lastInstall);
  const bytes = installed.reduce((sum, file) => sum + statSync(file).size, 0);
  console.log(
    `\nInstalled pack: ${installed.length} files, ${bytes} bytes (all the --yes install wrote, .yo-rc.json included)`,
  );

  if (process.argv.includes('--update-budget')) {
    const committed = { client, measured: new Date().toISOString().slice(0, 10), figures };
    writeFileSync(committedFiguresFile, `${JSON.stringify(committed, null, 2)}\n`);
    console.log(`Wrote ${fileURLToPath(committedFiguresFile)}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
