// The eval suite as `npm run eval` and the tests run it: what the runs are granted, how the suite is
// staged, and the summary of a run (pass rate per arm, the difference the pack makes, time, tokens).
// Node built-ins only and type stripping suffices, so plain `node` (test/evals/run.ts) imports it too.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const suiteRoot = join(projectRoot, 'evals');

/**
 * What every run may do without asking, the same in every arm and form. `claude plugin eval` starts each
 * client with `--permission-mode dontAsk` and only these grants (project settings are not read), and an
 * agent gets the grants of its session:
 * - the commands the pack's settings allow (`npm test`, `npm run build`), so an agent's other commands are
 *   denied as a background agent's are (denied-command-recovery relies on it);
 * - git, and edits in the case repository (the runner scopes a bare Edit or Write to the run's folder), as
 *   the user approves them for the session. The runner does not let an agent work in a worktree of its own,
 *   so the plugin's rule (its agents edit only in their worktrees) cannot be applied here: see docs/evals.md;
 * - SendMessage, which the runner offers only when granted, to continue an agent.
 */
function evalGrants(): string[] {
  const settings = JSON.parse(readFileSync(join(projectRoot, 'templates/pack/.claude/settings.json'), 'utf8'));
  const packCommands = (settings.permissions.allow as string[]).filter((rule) => rule.startsWith('Bash('));
  return [...packCommands, 'Bash(git *)', 'Edit', 'Write', 'SendMessage'];
}

/** Flags of every `claude plugin eval` the suite runs: the suite is ours (trust, scaffold), nothing is published. */
export function fixedFlags(): string[] {
  return ['--trust-plugin', '--scaffold', '--no-publish', '--allow-tools', ...evalGrants()];
}

/** The cases of the suite: the folders of evals/ holding a case.yaml. */
export function caseNames(suite = suiteRoot): string[] {
  return readdirSync(suite, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(suite, entry.name, 'case.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Copies the suite (not earlier results or a staged pack) to <dir>/evals. `runs` sets a case's own
 * number of runs (its `runs:`), for a pass that needs a different number per case.
 */
export function stageSuite(dir: string, runs: Record<string, number> = {}): string {
  const target = join(dir, 'evals');
  const skipped = [join(suiteRoot, 'results'), join(suiteRoot, '_pack')];
  cpSync(suiteRoot, target, {
    recursive: true,
    filter: (path) => !skipped.some((skip) => path === skip || path.startsWith(skip + sep)),
  });
  for (const [name, count] of Object.entries(runs)) setRuns(join(target, name, 'case.yaml'), count);
  return target;
}

function setRuns(caseFile: string, count: number): void {
  const text = readFileSync(caseFile, 'utf8');
  if (!/^runs: \d+$/m.test(text)) throw new Error(`${caseFile}: no "runs: <n>" line to set`);
  writeFileSync(caseFile, text.replace(/^runs: \d+$/m, `runs: ${count}`));
}

// ---------------------------------------------------------------------------------------------
// The summary of a run

/** One run of a case in `claude plugin eval --json` output (the fields the summary reads). */
export interface EvaluatedRun {
  score: number;
  error: string | null;
  durationSeconds: number;
  costUsd: number;
  tracePath?: string;
  graders: { name: string; passed: boolean; weight: number }[];
}

export interface EvaluatedCase {
  name: string;
  graders: { name: string; config: { arm?: string } }[];
  arms: { with: EvaluatedRun[]; without?: EvaluatedRun[] };
}

/** A `--json` result: its cases. */
export interface EvalResult {
  cases: EvaluatedCase[];
}

/** Names of a case's graders marked `arm: with-only`: indicators (did a skill fire?) outside the score. */
export function indicators(evaluated: EvaluatedCase): Set<string> {
  return new Set(evaluated.graders.filter((grader) => grader.config.arm === 'with-only').map((grader) => grader.name));
}

/**
 * A run's score without the with-only indicators, 0 to 1: the weighted share of the other graders that
 * passed. The client leaves the indicators out under `--ablation with-without` but scores them under
 * `--ablation none`, where the pass without the pack could never pass them; this reads both alike. A run
 * the client did not grade (an API error) scores 0.
 */
export function runScore(run: EvaluatedRun, left: Set<string>): number {
  const scored = run.graders.filter((grader) => !left.has(grader.name));
  const total = scored.reduce((sum, grader) => sum + grader.weight, 0);
  const passed = scored.reduce((sum, grader) => sum + (grader.passed ? grader.weight : 0), 0);
  return total > 0 ? passed / total : 0;
}

/** Tokens a run used, all models and agents together, from the result event of its trace; undefined without one. */
function runTokens(run: EvaluatedRun): number | undefined {
  if (!run.tracePath || !existsSync(run.tracePath)) return undefined;
  const lines = readFileSync(run.tracePath, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"result"'));
  const result = lines.map((line) => JSON.parse(line)).findLast((event) => event.type === 'result');
  if (!result) return undefined;
  const usage: Record<string, Record<string, number>> = result.modelUsage ?? {};
  const counted = ['inputTokens', 'outputTokens', 'cacheReadInputTokens', 'cacheCreationInputTokens'];
  return Object.values(usage).reduce(
    (sum, model) => sum + counted.reduce((part, key) => part + (model[key] ?? 0), 0),
    0,
  );
}

interface ArmSummary {
  runs: number;
  /** Share of runs that passed every scored grader. */
  passRate: number;
  meanScore: number;
  /** Mean wall time of a run, in seconds. */
  meanSeconds: number;
  /** Mean tokens of a run (undefined when no trace told). */
  meanTokens: number | undefined;
  costUsd: number;
}

export interface CaseSummary {
  name: string;
  with?: ArmSummary;
  without?: ArmSummary;
  /** Pass rate with the pack minus without it. */
  delta?: number;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);

function summarizeArm(runs: EvaluatedRun[], left: Set<string>): ArmSummary {
  const scores = runs.map((run) => runScore(run, left));
  const tokens = runs.map(runTokens).filter((count) => count !== undefined);
  return {
    runs: runs.length,
    passRate: mean(scores.map((score) => (score === 1 ? 1 : 0))),
    meanScore: mean(scores),
    meanSeconds: mean(runs.map((run) => run.durationSeconds)),
    meanTokens: tokens.length > 0 ? mean(tokens) : undefined,
    costUsd: runs.reduce((sum, run) => sum + run.costUsd, 0),
  };
}

/**
 * Per case, each arm's summary and the difference. `withPack` is a result whose `with` arm ran with the
 * pack (and, from `--ablation with-without`, its `without` arm without it); `withoutPack`, a separate
 * pass without the pack (the personal form's second pass), gives the `without` arm instead.
 */
export function summarize(withPack: EvalResult, withoutPack?: EvalResult): CaseSummary[] {
  return withPack.cases.map((evaluated) => {
    const left = indicators(evaluated);
    const withoutRuns =
      withoutPack?.cases.find((other) => other.name === evaluated.name)?.arms.with ?? evaluated.arms.without;
    const summary: CaseSummary = { name: evaluated.name, with: summarizeArm(evaluated.arms.with, left) };
    if (withoutRuns) summary.without = summarizeArm(withoutRuns, left);
    if (summary.with && summary.without) summary.delta = summary.with.passRate - summary.without.passRate;
    return summary;
  });
}

const percent = (share: number | undefined) => (share === undefined ? '-' : `${Math.round(share * 100)}%`);
const signed = (share: number | undefined) =>
  share === undefined ? '-' : `${share > 0 ? '+' : ''}${Math.round(share * 100)}`;
const seconds = (arm: ArmSummary | undefined) => (arm ? `${Math.round(arm.meanSeconds)} s` : '-');
const tokens = (arm: ArmSummary | undefined) =>
  arm?.meanTokens === undefined ? '-' : `${Math.round(arm.meanTokens / 1000)}k`;

/** The summary as a Markdown table, one row per case, and the mean difference. */
export function formatSummary(cases: CaseSummary[]): string {
  const rows = cases.map((one) =>
    [
      one.name,
      `${percent(one.with?.passRate)} (${one.with?.runs ?? 0})`,
      `${percent(one.without?.passRate)} (${one.without?.runs ?? 0})`,
      signed(one.delta),
      seconds(one.with),
      seconds(one.without),
      tokens(one.with),
      tokens(one.without),
    ].join(' | '),
  );
  const deltas = cases.map((one) => one.delta).filter((delta) => delta !== undefined);
  const cost = cases.reduce((sum, one) => sum + (one.with?.costUsd ?? 0) + (one.without?.costUsd ?? 0), 0);
  return [
    '| case | pass with (runs) | pass without (runs) | Δ points | time with | time without | tokens with | tokens without |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    `Mean Δ: ${deltas.length > 0 ? signed(mean(deltas)) : '-'} points over ${deltas.length} cases; cost $${cost.toFixed(2)}.`,
  ].join('\n');
}
