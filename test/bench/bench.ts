// `npm run bench`: times a fresh `--yes` install through the launcher against Anthropic's own
// scaffolder (`claude plugin init`), then prints the pack's token figures and size.
// Run after `npm run build` with the project's Node 24: `node test/bench/bench.ts`.
// `--update-budget` also rewrites docs/token-budget.json (the figures test/budget.test.ts holds the pack to).
// Plain `node` cannot resolve the `.js` specifiers of the TypeScript sources, so this script
// imports only `.ts` files that use node built-ins (it repeats the few lines that make a temp repo).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeBinary, runClaude, throwAwayHome } from '../helpers/claude.ts';
import { BUDGETS, committedFiguresFile, flatten, measurePack, overBudget } from './budget.ts';

const RUNS = 11;
const launcher = fileURLToPath(new URL('../../dist/generators/cli.js', import.meta.url));

function emptyRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'ai-pack-bench-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  return repo;
}

function timed(run: () => { status: number | null; stderr: string }, what: string): number {
  const started = performance.now();
  const { status, stderr } = run();
  const ms = performance.now() - started;
  if (status !== 0) throw new Error(`${what} failed (exit ${status}): ${stderr}`);
  return ms;
}

let lastInstall = '';
const contenders = {
  'generator-ai-pack --yes': () => {
    lastInstall = emptyRepo();
    return timed(() => spawnSync(process.execPath, [launcher, '--yes'], { cwd: lastInstall, input: '', encoding: 'utf8' }), 'the launcher');
  },
  'claude plugin init': () => {
    const home = throwAwayHome();
    return timed(() => runClaude(['plugin', 'init', 'bench-plugin'], { cwd: home, home }), 'claude plugin init');
  },
};
type Contender = keyof typeof contenders;

// One warm-up each (file cache), then alternate so that drift on the machine hits both alike.
for (const run of Object.values(contenders)) run();
const times: Record<Contender, number[]> = { 'generator-ai-pack --yes': [], 'claude plugin init': [] };
for (let i = 0; i < RUNS; i++) for (const name of Object.keys(contenders) as Contender[]) times[name].push(contenders[name]());

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const client = runClaude(['--version'], { cwd: tmpdir(), home: throwAwayHome() }).stdout.trim();

console.log(`Node ${process.version}, ${claudeBinary.split('/').slice(-2, -1)[0]} ${client}, ${RUNS} runs each after one warm-up\n`);
console.log('| run | median s | min s | max s |\n| --- | --- | --- | --- |');
for (const [name, values] of Object.entries(times)) {
  console.log(`| ${name} | ${seconds(median(values))} | ${seconds(Math.min(...values))} | ${seconds(Math.max(...values))} |`);
}
const ratio = median(times['generator-ai-pack --yes']) / median(times['claude plugin init']);
console.log(`\nmedian ratio (install / plugin init): ${ratio.toFixed(2)}\n`);

const figures = measurePack(lastInstall);
console.log(`Token figures (claude plugin details; budgets: always-on ${BUDGETS.alwaysOn}, skill on invoke ${BUDGETS.skillOnInvoke}, each reference ${BUDGETS.reference})`);
for (const [label, tokens] of flatten(figures)) console.log(`  ${label.padEnd(34)} ${tokens}`);
const over = overBudget(figures);
console.log(over.length ? `OVER BUDGET:\n  ${over.join('\n  ')}` : 'All within budget.');

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name === '.git' ? [] : entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
const installed = files(lastInstall);
const bytes = installed.reduce((sum, file) => sum + statSync(file).size, 0);
console.log(`\nInstalled pack: ${installed.length} files, ${bytes} bytes (all the --yes install wrote, .yo-rc.json included)`);

if (process.argv.includes('--update-budget')) {
  const committed = { client, measured: new Date().toISOString().slice(0, 10), figures };
  writeFileSync(committedFiguresFile, `${JSON.stringify(committed, null, 2)}\n`);
  console.log(`Wrote ${fileURLToPath(committedFiguresFile)}`);
}
