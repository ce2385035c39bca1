// `npm run eval`: runs the eval suite in evals/ through the pinned client's `claude plugin eval`.
// Plain `node` (type stripping), node built-ins only, like the bench. See docs/evals.md.
//
//   npm run eval -- [--form plugin|project] [--plugin <dir>] [--runs <n>] [--max-cost-usd <usd>]
//                   [--case <glob>] [--model <model>] [--dry-run]
//
// plugin form:  the pack as a plugin folder (--plugin <dir>, else the one the repository's own
//               .claude-plugin/marketplace.json points at), with evals/ copied in; the client runs
//               every case with and without the plugin and reports the difference (Δ).
// project form: the pack as `generator-ai-pack --yes` writes it into a repository; each case's
//               scaffold copies it into the case's repository. The client has no baseline arm for
//               that, so the suite runs twice (with the pack, then without) and this script prints Δ.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { claudeBinary } from '../helpers/claude.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const suite = join(root, 'evals');
const launcher = join(root, 'dist/generators/cli.js');

/** Flags every run gets: the suite is ours (trust, scaffold), tools the cases need, nothing published. */
const FIXED_FLAGS = ['--trust-plugin', '--scaffold', '--allow-tools', 'Edit', 'Write', 'Bash', '--no-publish'];

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
  const marketplace = join(root, '.claude-plugin/marketplace.json');
  if (!existsSync(marketplace)) return undefined;
  const source = JSON.parse(readFileSync(marketplace, 'utf8')).plugins?.[0]?.source;
  return typeof source === 'string' ? resolve(root, source) : undefined;
}

const pluginSource = options.plugin ? resolve(options.plugin) : committedPlugin();
const form = options.form ?? (pluginSource ? 'plugin' : 'project');
if (form !== 'plugin' && form !== 'project') fail(`--form is "plugin" or "project", not "${form}".`);
if (form === 'plugin' && !pluginSource) {
  fail('no plugin folder: pass --plugin <dir> (one `generator-ai-pack plugin` wrote), or --form project.');
}
if (form === 'plugin' && !existsSync(join(pluginSource as string, '.claude-plugin/plugin.json'))) {
  fail(`${pluginSource} has no .claude-plugin/plugin.json: it is not a plugin folder.`);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results = join(suite, 'results', stamp);
const staging = mkdtempSync(join(tmpdir(), 'ai-pack-eval-'));
process.on('exit', () => rmSync(staging, { recursive: true, force: true }));

/** A cpSync filter that leaves out the given folders. */
const without =
  (...skipped: string[]) =>
  (path: string) =>
    !skipped.some((skip) => path === skip || path.startsWith(skip + sep));

/** Copies the suite (not earlier results or a staged pack) to <dir>/evals. */
function stageSuite(dir: string): void {
  cpSync(suite, join(dir, 'evals'), {
    recursive: true,
    filter: without(join(suite, 'results'), join(suite, '_pack')),
  });
}

/** The `claude plugin eval` arguments for one pass over the staged target; `share` of the cost ceiling. */
function evalArgs(target: string, pass: string, share: number, extra: string[]): string[] {
  const ceiling = Number(options['max-cost-usd']);
  if (!(ceiling > 0)) fail(`--max-cost-usd is a number of dollars above 0, not "${options['max-cost-usd']}".`);
  const args = ['plugin', 'eval', target, ...FIXED_FLAGS, '--runs', options.runs as string];
  args.push('--max-cost-usd', String(Math.round(ceiling * share * 100) / 100));
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
  name: string;
  args: string[];
  /** Runs before the pass (stages or removes the project install). */
  prepare?: () => void;
}

function passes(): Pass[] {
  if (form === 'plugin') {
    const target = join(staging, 'ai-pack');
    cpSync(pluginSource as string, target, {
      recursive: true,
      dereference: true,
    });
    stageSuite(target);
    return [
      {
        name: 'plugin',
        args: evalArgs(target, 'plugin', 1, ['--ablation', 'with-without']),
      },
    ];
  }
  const target = join(staging, 'suite');
  stageSuite(target);
  const pack = join(target, 'evals/_pack');
  // Two passes share the ceiling, so that the whole run stays under it.
  return [
    {
      name: 'with',
      args: evalArgs(target, 'with', 0.5, ['--ablation', 'none']),
      prepare: () => installPack(pack),
    },
    {
      name: 'without',
      args: evalArgs(target, 'without', 0.5, ['--ablation', 'none']),
      prepare: () => rmSync(pack, { recursive: true, force: true }),
    },
  ];
}

/** What `generator-ai-pack --yes` writes into an empty repository, minus its .git: the scaffolds copy it in. */
function installPack(pack: string): void {
  if (!existsSync(launcher)) fail('dist/ is missing: run `npm run build` first (`npm run eval` does).');
  const repo = join(staging, 'project-install');
  mkdirSync(repo, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const install = spawnSync(process.execPath, [launcher, '--yes', repo], { encoding: 'utf8', input: '' });
  if (install.status !== 0)
    fail(`generator-ai-pack --yes failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  cpSync(repo, pack, { recursive: true, filter: without(join(repo, '.git')) });
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
const plan = passes();
const commands = plan.map((pass) => [relative(root, claudeBinary), ...pass.args].map(quote).join(' '));

const auth = spawnSync(claudeBinary, ['auth', 'status', '--json'], {
  encoding: 'utf8',
  input: '',
});
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

interface EvaluatedCase {
  name: string;
  graders: { name: string; config: { arm?: string } }[];
  arms: { with: { graders: { name: string; passed: boolean; weight: number }[] }[] };
}

/**
 * A case's mean score over its runs, leaving out graders marked `arm: with-only` (did a skill fire?),
 * as the client does under --ablation with-without: with --ablation none it scores them, and the
 * pass without the pack could never pass them.
 */
function scoreWithoutIndicators({ graders, arms }: EvaluatedCase): number {
  const indicators = new Set(
    graders.filter((grader) => grader.config.arm === 'with-only').map((grader) => grader.name),
  );
  const runScores = arms.with.map((run) => {
    const scored = run.graders.filter((grader) => !indicators.has(grader.name));
    const total = scored.reduce((sum, grader) => sum + grader.weight, 0);
    const passed = scored.reduce((sum, grader) => sum + (grader.passed ? grader.weight : 0), 0);
    return total > 0 ? passed / total : 0;
  });
  return runScores.reduce((sum, score) => sum + score, 0) / Math.max(runScores.length, 1);
}

const scores: Record<string, Record<string, number>> = {};
let worst = 0;
for (const pass of plan) {
  pass.prepare?.();
  console.log(`\n== ${pass.name}: ${commands[plan.indexOf(pass)]}\n`);
  const run = spawnSync(claudeBinary, pass.args, { stdio: 'inherit' });
  worst = Math.max(worst, run.status ?? 1);
  const result = join(results, pass.name, 'result.json');
  if (!existsSync(result)) continue;
  for (const evaluated of JSON.parse(readFileSync(result, 'utf8')).cases as EvaluatedCase[]) {
    scores[evaluated.name] = { ...scores[evaluated.name], [pass.name]: scoreWithoutIndicators(evaluated) };
  }
}

if (form === 'project') {
  console.log('\nProject form: mean score per case with the pack, without it, and the difference (Δ),');
  console.log('leaving out the with-only indicators (orchestrator-skill-fired), as the plugin form does\n');
  console.log('| case | with | without | Δ |\n| --- | --- | --- | --- |');
  for (const [name, { with: w, without: wo }] of Object.entries(scores)) {
    const delta = w !== undefined && wo !== undefined ? (w - wo).toFixed(2) : '-';
    console.log(`| ${name} | ${w?.toFixed(2) ?? '-'} | ${wo?.toFixed(2) ?? '-'} | ${delta} |`);
  }
}
console.log(`\nResults: ${results}`);
process.exit(worst);
