// `npm run eval`: runs the eval suite in evals/ through the pinned client's `claude plugin eval`, with the
// pack and without it, and prints per case the pass rate in each arm, the difference, time and tokens.
// Plain `node` (type stripping), node built-ins only, like the bench. See docs/evals.md.
//
//   npm run eval -- [--form plugin|personal] [--plugin <dir>] [--runs <n>] [--max-cost-usd <usd>]
//                   [--case <glob>] [--model <model>] [--output <dir>] [--dry-run]
//
// plugin form:   the pack as a plugin folder (--plugin <dir>, else the one the repository's own
//                .claude-plugin/marketplace.json points at), with evals/ copied in; the client runs every
//                case with and without the plugin (--ablation with-without).
// personal form: the pack as `generator-ai-pack --scope user` installs it (skills and agents in the user's
//                Claude folder); each case's scaffold puts them into the run's config folder. The client has
//                no baseline arm for that, so the suite runs twice: with the pack, then without.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { claudeBinary } from '../helpers/claude.ts';
import { type EvalResult, fixedFlags, formatSummary, projectRoot, stageSuite, summarize } from './suite.ts';

const launcher = join(projectRoot, 'dist/generators/cli.js');

function fail(message: string): never {
  console.error(`npm run eval: ${message}`);
  process.exit(1);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        form: { type: 'string' },
        plugin: { type: 'string' },
        runs: { type: 'string', default: '3' },
        'max-cost-usd': { type: 'string', default: '25' },
        case: { type: 'string' },
        model: { type: 'string' },
        output: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}
const options = parseOptions();

/** The plugin folder the repository's own marketplace points at, if it has one. */
function committedPlugin(): string | undefined {
  const marketplace = join(projectRoot, '.claude-plugin/marketplace.json');
  if (!existsSync(marketplace)) return undefined;
  const source = JSON.parse(readFileSync(marketplace, 'utf8')).plugins?.[0]?.source;
  return typeof source === 'string' ? resolve(projectRoot, source) : undefined;
}

const pluginSource = options.plugin ? resolve(options.plugin) : committedPlugin();
const form = options.form ?? (pluginSource ? 'plugin' : 'personal');
if (form === 'project') {
  fail(
    'the project install cannot be evaluated: `claude plugin eval` starts each run with `--setting-sources user`, so a ' +
      "repository's .claude/ is not read. --form personal runs the same skills and agents as a personal install (docs/evals.md).",
  );
}
if (form !== 'plugin' && form !== 'personal') fail(`--form is "plugin" or "personal", not "${form}".`);
if (form === 'plugin' && !pluginSource) {
  fail('no plugin folder: pass --plugin <dir> (one `generator-ai-pack plugin` wrote), or --form personal.');
}
if (form === 'plugin' && !existsSync(join(pluginSource as string, '.claude-plugin/plugin.json'))) {
  fail(`${pluginSource} has no .claude-plugin/plugin.json: it is not a plugin folder.`);
}
const ceiling = Number(options['max-cost-usd']);
if (!(ceiling > 0)) fail(`--max-cost-usd is a number of dollars above 0, not "${options['max-cost-usd']}".`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results = options.output ? resolve(options.output) : join(projectRoot, 'evals', 'results', stamp);
const staging = mkdtempSync(join(tmpdir(), 'ai-pack-eval-'));
process.on('exit', () => rmSync(staging, { recursive: true, force: true }));

/** The `claude plugin eval` arguments for one pass over the staged target; `share` of the cost ceiling. */
function evalArgs(target: string, pass: string, share: number, extra: string[]): string[] {
  const args = ['plugin', 'eval', target, ...fixedFlags(), '--runs', options.runs as string];
  // Every case's score is the output: a case below 1 is no reason to fail the command. The runs' folders
  // are kept so that their traces can be read (tokens) and kept with the results (keepTraces).
  args.push('--threshold', '0', '--keep-temp', '--max-cost-usd', String(Math.round(ceiling * share * 100) / 100));
  if (options.case) args.push('--case', options.case);
  if (options.model) args.push('--model', options.model);
  const out = join(results, pass);
  return [
    ...args,
    ...extra,
    '--output-dir',
    out,
    '--json',
    join(out, 'result.json'),
    '--report',
    join(out, 'report.html'),
  ];
}

interface Pass {
  name: 'plugin' | 'with' | 'without';
  args: string[];
  /** Runs before the pass (stages or removes the personal install). */
  prepare?: () => void;
}

function passes(): Pass[] {
  if (form === 'plugin') {
    const target = join(staging, 'ai-pack');
    cpSync(pluginSource as string, target, { recursive: true, dereference: true });
    rmSync(join(target, 'evals'), { recursive: true, force: true });
    stageSuite(target);
    return [{ name: 'plugin', args: evalArgs(target, 'plugin', 1, ['--ablation', 'with-without']) }];
  }
  const target = join(staging, 'suite');
  const pack = join(stageSuite(target), '_pack');
  // Two passes share the ceiling, so that the whole run stays under it.
  return [
    { name: 'with', args: evalArgs(target, 'with', 0.5, ['--ablation', 'none']), prepare: () => installPersonal(pack) },
    {
      name: 'without',
      args: evalArgs(target, 'without', 0.5, ['--ablation', 'none']),
      prepare: () => rmSync(pack, { recursive: true, force: true }),
    },
  ];
}

/** The skills and agents `generator-ai-pack --yes --scope user` installs, staged where the scaffolds find them. */
function installPersonal(pack: string): void {
  if (!existsSync(launcher)) fail('dist/ is missing: run `npm run build` first (`npm run eval` does).');
  const home = join(staging, 'personal-home');
  mkdirSync(home, { recursive: true });
  const install = spawnSync(process.execPath, [launcher, '--yes', '--scope', 'user'], {
    cwd: home,
    env: { ...process.env, HOME: home },
    encoding: 'utf8',
    input: '',
  });
  if (install.status !== 0) {
    fail(`generator-ai-pack --yes --scope user failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  }
  for (const folder of ['skills', 'agents'])
    cpSync(join(home, '.claude', folder), join(pack, folder), { recursive: true });
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
const plan = passes();
const commands = plan.map((pass) => [relative(projectRoot, claudeBinary), ...pass.args].map(quote).join(' '));

const auth = spawnSync(claudeBinary, ['auth', 'status', '--json'], { encoding: 'utf8', input: '' });
const loggedIn = auth.status === 0 && /"loggedIn":\s*true/.test(auth.stdout);
if (options['dry-run'] || !loggedIn) {
  const why = options['dry-run']
    ? 'Dry run: nothing was run.'
    : 'The eval suite needs a Claude credential to run its cases (each case is a real, paid Claude Code session),\n' +
      'and this machine has none: `claude auth status` says not logged in. Log in with `claude auth login`\n' +
      '(or set ANTHROPIC_API_KEY), then run `npm run eval` again.';
  console.error(`${why}\n\nIt would run (${form} form, pack staged in a temp folder, results in ${results}):`);
  for (const command of commands) console.error(`  ${command}`);
  process.exit(options['dry-run'] ? 0 : 1);
}

/**
 * Copies each run's trace into the results (<pass>/traces/<case>-<arm>-<n>.jsonl, named in the result as
 * its tracePath) and removes the run's folder, which --keep-temp kept: what the agents wrote there is
 * not needed, and the client closes its modes (the removal opens them first, as the client says to).
 */
function keepTraces(result: EvalResult, pass: string): EvalResult {
  const traces = join(results, pass, 'traces');
  mkdirSync(traces, { recursive: true });
  for (const evaluated of result.cases) {
    for (const [arm, runs] of Object.entries(evaluated.arms)) {
      for (const [index, run] of (runs ?? []).entries()) {
        const folder = run.tracePath?.replace(/\/out\/trace\.jsonl$/, '');
        if (!run.tracePath || !folder || !existsSync(run.tracePath)) continue;
        const kept = join(traces, `${evaluated.name}-${arm}-${index + 1}.jsonl`);
        cpSync(run.tracePath, kept);
        run.tracePath = kept;
        execFileSync('chmod', ['-R', 'u+rwX', folder]);
        rmSync(folder, { recursive: true, force: true });
      }
    }
  }
  return result;
}

const evaluated: Partial<Record<Pass['name'], EvalResult>> = {};
let worst = 0;
for (const [index, pass] of plan.entries()) {
  pass.prepare?.();
  console.log(`\n== ${pass.name}: ${commands[index]}\n`);
  const run = spawnSync(claudeBinary, pass.args, { stdio: 'inherit' });
  worst = Math.max(worst, run.status ?? 1);
  const result = join(results, pass.name, 'result.json');
  if (existsSync(result)) evaluated[pass.name] = keepTraces(JSON.parse(readFileSync(result, 'utf8')), pass.name);
}

const withPack = evaluated.plugin ?? evaluated.with;
if (withPack) {
  const summary = summarize(withPack, evaluated.without);
  const table = formatSummary(summary);
  const heading = `${form} form, ${options.runs} runs per case, client ${execFileSync(claudeBinary, ['--version'], { encoding: 'utf8' }).trim()}, ${stamp}`;
  console.log(`\nPass rate with and without the pack (${heading}):\n\n${table}`);
  writeFileSync(
    join(results, 'summary.json'),
    `${JSON.stringify({ form, runs: Number(options.runs), summary }, null, 2)}\n`,
  );
  writeFileSync(join(results, 'summary.md'), `# Eval summary\n\n${heading}\n\n${table}\n`);
}
console.log(`\nResults: ${results}`);
process.exit(worst);
