// The eval suite run by the pinned client's own runner, `claude plugin eval`, with the model replaced by
// the stand-in (test/helpers/stand-in/model.ts): each run of a case plays a scripted trajectory (what a
// model would do, right or wrong), and the client runs it for real and grades it with the case's graders.
// One stand-in serves every `claude plugin eval` at once: each run is recognised by its folder
// (`claude-eval-*`, named in the working directory the client tells the model), which also tells which
// call of `claude plugin eval` it belongs to (its HOME), and its arm by what the client showed the model.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claudeBinary } from '../helpers/claude.js';
import { standInEnvironment, workingDirectory } from '../helpers/stand-in/claude-code.js';
import {
  type Block,
  type Conversation,
  type MessagesRequest,
  requestText,
  type StandInModel,
  type Turn,
} from '../helpers/stand-in/model.js';
import type { EvalResult, EvaluatedRun } from './suite.js';

/** Which pack the client loaded for a run: the plugin, the personal install, or none. */
export type Arm = 'plugin' | 'personal' | 'baseline';

export interface Trajectory {
  name: string;
  /**
   * What the case's graders must say: `pass` (every grader outside the with-only indicators passes),
   * `fail` (the case fails), or the graders that must fail (and with them the case).
   */
  expect: 'pass' | 'fail' | string[];
  /** The main session's turns, in order (see Conversation in model.ts). */
  main: Turn[];
  /** The agents it launches, each recognised by a marker in its brief. */
  agents?: Conversation[];
}

/** The answer of a model that does nothing: one message, "done". */
export const DO_NOTHING: Trajectory = { name: 'do nothing', expect: 'fail', main: [[{ text: 'done' }]] };

/** The arm of a run, from what the client listed for the model: the pack's orchestrator skill, by its name. */
function armOf(request: MessagesRequest): Arm {
  const shown = requestText(request);
  if (shown.includes('- ai-pack:orchestrator: ')) return 'plugin';
  if (shown.includes('- orchestrator: ')) return 'personal';
  return 'baseline';
}

/** The name an agent of the pack has in the run's arm; without the pack, a general-purpose agent. */
export function agentType(request: MessagesRequest, role: string): string {
  const arm = armOf(request);
  return arm === 'plugin' ? `ai-pack:${role}` : arm === 'personal' ? role : 'general-purpose';
}

/** Loading the orchestrator skill by its name in the run's arm (without the pack the client refuses it). */
export function orchestratorSkill(request: MessagesRequest): Block {
  return { tool: 'Skill', input: { skill: armOf(request) === 'plugin' ? 'ai-pack:orchestrator' : 'orchestrator' } };
}

/** The folder of one run of `claude plugin eval` (claude-eval-*), in any path inside it. */
export function runFolder(path: string): string | undefined {
  return /^.*\/claude-eval-[^/]+/.exec(path)?.[0];
}

/** What one call of `claude plugin eval` plays: per case and arm, one trajectory per run. */
export interface Plan {
  /** The HOME of that call: its runs' folders are made inside it. */
  home: string;
  trajectories: Record<string, Partial<Record<Arm, Trajectory[]>>>;
}

export interface Played {
  plan: Plan;
  caseName: string;
  arm: Arm;
  trajectory: Trajectory;
}

const MAX_TURNS = 40;

/**
 * The stand-in's side of the suite: one conversation per case (opened by its prompt) that deals each new
 * run the next trajectory its plan has for that case and arm and plays that trajectory's turns, plus every
 * trajectory's agents. `played` maps a run's folder to what it played.
 */
export function scriptedSuite(prompts: Record<string, string>, plans: Plan[]) {
  const played = new Map<string, Played>();
  const dealt = new Map<Plan, Map<string, number>>();

  function playedBy(request: MessagesRequest, caseName: string): Played {
    const folder = runFolder(workingDirectory(request));
    if (!folder) throw new Error(`${caseName}: the working directory is not in a run folder of claude plugin eval`);
    const known = played.get(folder);
    if (known) return known;
    const plan = plans.find((candidate) => folder.startsWith(`${candidate.home}/`));
    if (!plan) throw new Error(`${caseName}: ${folder} belongs to no plan`);
    const arm = armOf(request);
    const queue = plan.trajectories[caseName]?.[arm] ?? [];
    const counts = dealt.get(plan) ?? new Map<string, number>();
    dealt.set(plan, counts);
    const next = counts.get(`${caseName}/${arm}`) ?? 0;
    const trajectory = queue[next];
    if (!trajectory) throw new Error(`${caseName}: no trajectory left for run ${next + 1} in the ${arm} arm`);
    counts.set(`${caseName}/${arm}`, next + 1);
    const entry = { plan, caseName, arm, trajectory };
    played.set(folder, entry);
    return entry;
  }

  const mains: Conversation[] = Object.entries(prompts).map(([caseName, prompt]) => ({
    name: caseName,
    when: prompt,
    turns: Array.from({ length: MAX_TURNS }, (_, index) => (request: MessagesRequest) => {
      const { trajectory } = playedBy(request, caseName);
      const turn = trajectory.main[index];
      if (turn === undefined) throw new Error(`${caseName} (${trajectory.name}): no turn ${index}`);
      return typeof turn === 'function' ? turn(request) : turn;
    }),
  }));
  const agents = new Set<Conversation>();
  for (const plan of plans)
    for (const byArm of Object.values(plan.trajectories))
      for (const trajectories of Object.values(byArm))
        for (const trajectory of trajectories ?? []) for (const agent of trajectory.agents ?? []) agents.add(agent);
  return { conversations: [...mains, ...agents], played };
}

/** The first line of a case's prompt (its prompt.md without the frontmatter): what opens its main conversation. */
export function promptLine(suite: string, caseName: string): string {
  const text = readFileSync(join(suite, caseName, 'prompt.md'), 'utf8');
  return text
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .trim()
    .split('\n')[0];
}

/** A process's exit and its output (stdout and stderr together), without blocking: the stand-in answers from this process. */
export function collect(
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string>; timeoutMs: number },
): Promise<{ status: number | null; output: string }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

export interface EvalCall {
  status: number | null;
  output: string;
  result: EvalResult | undefined;
}

/**
 * `claude plugin eval <target> <args>` in a clean environment with `home` as HOME (its runs' folders go
 * into home/tmp), against `model` (none: no credential at all).
 */
export async function pluginEval(
  target: string,
  args: string[],
  options: { home: string; model?: StandInModel; timeoutMs: number },
): Promise<EvalCall> {
  const json = join(options.home, 'out', 'result.json');
  const all = ['plugin', 'eval', target, ...args, '--output-dir', join(options.home, 'out'), '--json', json];
  const env = standInEnvironment(options.home, options.model);
  const { status, output } = await collect(claudeBinary, all, { cwd: target, env, timeoutMs: options.timeoutMs });
  return { status, output, result: existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined };
}

/** Every run of a result with the arm the client ran it in (`with`, or `without` under --ablation with-without). */
export function runsOf(result: EvalResult): { caseName: string; arm: 'with' | 'without'; run: EvaluatedRun }[] {
  return result.cases.flatMap((evaluated) =>
    (['with', 'without'] as const).flatMap((arm) =>
      (evaluated.arms[arm] ?? []).map((run) => ({ caseName: evaluated.name, arm, run })),
    ),
  );
}
