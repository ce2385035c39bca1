// The eval suite in evals/, checked offline. Each case's scaffold builds its repository; a malformed case
// is reported before any run; and every case's graders are validated the way a real run grades: the
// pinned client's own runner, `claude plugin eval`, runs scripted trajectories (the model replaced by the
// stand-in, test/helpers/stand-in/model.ts; see test/evals/trajectories.ts) and must pass the one that
// does what the case wants and fail the wrong ones, doing nothing, and a run that ends before any model
// call. No credential is involved. `npm run eval` itself is run the same way, in both forms.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../generators/lib/frontmatter.js';
import { packRoot } from '../generators/lib/paths.js';
import { pluginFiles } from '../generators/lib/plugin.js';
import {
  type Arm,
  DO_NOTHING,
  type EvalCall,
  type Plan,
  pluginEval,
  promptLine,
  runFolder,
  runsOf,
  scriptedSuite,
} from './evals/scripted.js';
import {
  caseNames,
  type EvaluatedRun,
  fixedFlags,
  indicators,
  runScore,
  stageSuite,
  suiteRoot,
} from './evals/suite.js';
import { TRAJECTORIES } from './evals/trajectories.js';
import { runClaude, throwAwayHome } from './helpers/claude.js';
import { tempFolder, writeFiles } from './helpers/repo.js';
import { standInEnvironment } from './helpers/stand-in/claude-code.js';
import { requestText, type StandInModel, startStandInModel } from './helpers/stand-in/model.js';

const cases = caseNames();

/** Failing tests each scaffolded repository starts with: the bugs the case asks Claude to fix. */
const FAILING_AT_START: Record<string, number> = {
  'independent-failures': 3,
  'no-fan-out-one-line-fix': 1,
};

describe('the suite', () => {
  it('has a case for each behaviour that matters, each trajectory scripted', () => {
    expect(cases).toEqual([
      'denied-command-recovery',
      'fan-out-three-features',
      'implement-then-verify',
      'independent-failures',
      'lookup-fan-out',
      'merge-worktrees',
      'needs-context-answered',
      'no-fan-out-design-question',
      'no-fan-out-one-line-fix',
      'no-fan-out-sequential-migration',
      'shared-file',
      'six-tasks-in-waves',
    ]);
    expect(Object.keys(TRAJECTORIES).sort()).toEqual(cases);
    for (const name of cases) {
      const expected = TRAJECTORIES[name].map((trajectory) => trajectory.expect);
      expect(expected.filter((verdict) => verdict === 'pass').length, name).toBeGreaterThan(0);
      expect(expected.filter((verdict) => Array.isArray(verdict)).length, name).toBeGreaterThan(0);
    }
  });

  it('reports a malformed case before any run', () => {
    const target = tempFolder('ai-pack-evals-');
    const broken = join(stageSuite(target), 'no-fan-out-one-line-fix/case.yaml');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('type: tool_used', 'type: tool_usde'));
    const home = throwAwayHome();
    const args = ['plugin', 'eval', target, '--case', 'no-fan-out-one-line-fix', ...fixedFlags(), '--runs', '1'];
    const run = runClaude([...args, '--output-dir', join(home, 'out')], { cwd: target, home, timeoutMs: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/Couldn't load 1 case file/);
    expect(run.stdout + run.stderr).toMatch(/no-fan-out-one-line-fix/);
  });
});

/** Runs a case's scaffold as the client does (`bash <case>/scaffold.sh` in the empty working directory). */
function scaffold(suiteDir: string, name: string, home = tempFolder('ai-pack-scaffold-home-')) {
  const repo = tempFolder(`ai-pack-scaffold-${name}-`);
  const result = spawnSync('bash', [join(suiteDir, name, 'scaffold.sh')], {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: home, TMPDIR: home },
    encoding: 'utf8',
  });
  return { repo, ...result };
}

const git = (repo: string, ...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

describe("each case's scaffold builds its repository", () => {
  it.each(cases)('%s', (name) => {
    const { repo, status, stderr } = scaffold(suiteRoot, name);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'log', '--format=%s')).toBe('scaffold\n');
    const tests = spawnSync(process.execPath, ['--test'], { cwd: repo, encoding: 'utf8' });
    expect(Number(/fail (\d+)/.exec(tests.stdout)?.[1])).toBe(FAILING_AT_START[name] ?? 0);
  });

  it("merge-worktrees: two agents' worktrees on their branches, their work not committed, one file outside its brief", () => {
    const { repo } = scaffold(suiteRoot, 'merge-worktrees');
    const worktrees = git(repo, 'worktree', 'list', '--porcelain');
    expect(worktrees.match(/^branch refs\/heads\/worktree-agent-\w+$/gm)).toHaveLength(2);
    const second = join(repo, '.claude/worktrees/agent-7be4d015');
    expect(git(second, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M src/format.js',
      '?? src/receipt.js',
      '?? test/receipt.test.js',
    ]);
  });

  it("puts a staged personal install into the run's config folder, and says so when there is none", () => {
    const staged = stageSuite(tempFolder('ai-pack-evals-'));
    const skill = join(staged, '_pack/skills/orchestrator/SKILL.md');
    mkdirSync(join(skill, '..'), { recursive: true });
    writeFileSync(skill, '---\nname: orchestrator\ndescription: stand-in\n---\n');
    // The layout of a run of `claude plugin eval`: <run>/home (HOME, the repository in it) and <run>/config.
    const run = tempFolder('claude-eval-');
    mkdirSync(join(run, 'home'));
    mkdirSync(join(run, 'config'));
    writeFileSync(join(run, 'config/.claude.json'), '{}');
    const installed = scaffold(staged, 'shared-file', join(run, 'home'));
    expect(installed.status).toBe(0);
    expect(readFileSync(join(run, 'config/skills/orchestrator/SKILL.md'), 'utf8')).toContain('stand-in');
    expect(existsSync(join(installed.repo, '.claude'))).toBe(false);
    const nowhere = scaffold(staged, 'shared-file');
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toMatch(/no config folder of the eval runner at .*\/config: this client lays out its runs/);
  });
});

// ---------------------------------------------------------------------------------------------
// Scripted trajectories, graded by `claude plugin eval`

/** `claude plugin eval` confines the Bash tool the cases use; on Linux it needs bubblewrap and socat. */
const sandboxed = ['bwrap', 'socat'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
const NO_SANDBOX =
  'claude plugin eval needs a Bash sandbox, and bubblewrap or socat is missing: the scripted runs are skipped. ' +
  'Install them (Debian: apt-get install -y bubblewrap socat; .ci/run does it in CI).';

it.runIf(!sandboxed)('runs the scripted trajectories (needs bubblewrap and socat)', (context) => {
  if (process.env.CI) throw new Error(NO_SANDBOX);
  context.skip(NO_SANDBOX);
});

/** The case the runs of `npm run eval` play: the trajectory that passes with the pack, doing nothing without. */
const EVAL_CASE = 'no-fan-out-one-line-fix';

interface Calls {
  matrix: EvalCall;
  baseline: EvalCall;
  loggedOut: EvalCall[];
  pluginForm: { run: RunResult; result: ReturnType<typeof readResults> };
  personalForm: { run: RunResult; result: ReturnType<typeof readResults> };
}

interface RunResult {
  status: number | null;
  output: string;
}

/** `npm run eval` (test/evals/run.ts) with `home` as HOME, against the stand-in, results in home/results. */
function npmRunEval(home: string, model: StandInModel, args: string[]): Promise<RunResult> {
  const script = join(suiteRoot, '../test/evals/run.ts');
  const child = spawn(process.execPath, [script, ...args, '--output', join(home, 'results')], {
    env: standInEnvironment(home, model),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 240_000,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

function readResults(home: string) {
  const folder = join(home, 'results');
  const read = (file: string) => (existsSync(join(folder, file)) ? readFileSync(join(folder, file), 'utf8') : '');
  return { summaryJson: read('summary.json'), summaryMarkdown: read('summary.md') };
}

describe.runIf(sandboxed)('scripted trajectories, graded by claude plugin eval against the stand-in model', () => {
  const homes = {
    matrix: throwAwayHome(),
    baseline: throwAwayHome(),
    pluginForm: throwAwayHome(),
    personalForm: throwAwayHome(),
  };
  /**
   * With the plugin, each case's passing trajectories and doing nothing; without the pack, doing nothing and
   * the wrong behaviours (graders read behaviour, not the pack's names), and implement-then-verify's direct
   * route with general-purpose agents (its graders must not need the pack's agent names).
   */
  const right = (name: string) => TRAJECTORIES[name].filter((trajectory) => trajectory.expect === 'pass');
  const wrong = (name: string) => TRAJECTORIES[name].filter((trajectory) => trajectory.expect !== 'pass');
  const plans: Plan[] = [
    {
      home: homes.matrix,
      trajectories: Object.fromEntries(cases.map((name) => [name, { plugin: [...right(name), DO_NOTHING] }])),
    },
    {
      home: homes.baseline,
      trajectories: Object.fromEntries(
        cases.map((name) => [
          name,
          {
            baseline: [
              DO_NOTHING,
              ...wrong(name),
              ...(name === 'implement-then-verify' ? right(name).slice(0, 1) : []),
            ],
          },
        ]),
      ),
    },
    {
      home: homes.pluginForm,
      trajectories: { [EVAL_CASE]: { plugin: right(EVAL_CASE), baseline: [DO_NOTHING] } },
    },
    {
      home: homes.personalForm,
      trajectories: { [EVAL_CASE]: { personal: right(EVAL_CASE), baseline: [DO_NOTHING] } },
    },
  ];
  const prompts = Object.fromEntries(cases.map((name) => [name, promptLine(suiteRoot, name)]));
  const suite = scriptedSuite(prompts, plans);
  let model: StandInModel;
  let calls: Calls;

  /** Runs per case of a plan's arm: one per trajectory. */
  const runsPer = (plan: Plan, arm: Arm) =>
    Object.fromEntries(cases.map((name) => [name, plan.trajectories[name]?.[arm]?.length ?? 1]));

  beforeAll(async () => {
    model = await startStandInModel(suite.conversations);
    const marketplace = tempFolder('ai-pack-marketplace-');
    writeFiles(marketplace, pluginFiles());
    const plugin = join(marketplace, 'plugin');
    stageSuite(plugin, runsPer(plans[0], 'plugin'));
    const baseline = tempFolder('ai-pack-evals-');
    stageSuite(baseline, runsPer(plans[1], 'baseline'));
    const flags = (...extra: string[]) => [...fixedFlags(), '--ablation', 'none', ...extra];
    const timeoutMs = 280_000;
    // Without a credential the client stops a suite at its first failed login (runs already started
    // still report): each half of the cases, staged on its own, starts all its runs at once.
    const halves = [cases.slice(0, cases.length / 2), cases.slice(cases.length / 2)].map((half) => {
      const staged = stageSuite(tempFolder('ai-pack-evals-'), Object.fromEntries(half.map((name) => [name, 1])));
      for (const name of cases.filter((other) => !half.includes(other)))
        rmSync(join(staged, name), { recursive: true });
      return join(staged, '..');
    });
    const [matrix, baselineCall, pluginForm, personalForm, ...loggedOutCalls] = await Promise.all([
      pluginEval(plugin, flags('-j', '4'), { home: homes.matrix, model, timeoutMs }),
      pluginEval(baseline, flags('-j', '3'), { home: homes.baseline, model, timeoutMs }),
      npmRunEval(homes.pluginForm, model, ['--plugin', plugin, '--case', EVAL_CASE, '--runs', '1']),
      npmRunEval(homes.personalForm, model, ['--form', 'personal', '--case', EVAL_CASE, '--runs', '1']),
      ...halves.map((half) =>
        pluginEval(half, flags('-j', String(cases.length / 2)), { home: throwAwayHome(), timeoutMs }),
      ),
    ]);
    calls = {
      matrix,
      baseline: baselineCall,
      loggedOut: loggedOutCalls,
      pluginForm: { run: pluginForm, result: readResults(homes.pluginForm) },
      personalForm: { run: personalForm, result: readResults(homes.personalForm) },
    };
  }, 300_000);

  afterAll(async () => {
    await model?.close();
  });

  /** What a run played, with its verdict: the graders outside the with-only indicators that failed. */
  function verdicts(call: EvalCall) {
    expect(call.result, call.output.slice(-3000)).toBeDefined();
    return runsOf(call.result!).map(({ caseName, run }) => {
      const evaluated = call.result!.cases.find((one) => one.name === caseName)!;
      const left = indicators(evaluated);
      const played = suite.played.get(runFolder(run.tracePath ?? '') ?? '');
      const failed = run.graders.filter((grader) => !left.has(grader.name) && !grader.passed).map(({ name }) => name);
      return { caseName, run, played, failed, score: runScore(run, left) };
    });
  }

  it('every case loads, scaffolds and grades without a warning, and the script played to its end', () => {
    for (const call of [calls.matrix, calls.baseline, ...calls.loggedOut]) {
      expect(call.output).not.toMatch(/Couldn't load|⚠ case|cannot pass|grader threw|scaffold failed/);
      expect(call.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
      expect(call.result?.cases.map((one) => one.name).sort()).toEqual(
        call === calls.matrix || call === calls.baseline ? cases : expect.any(Array),
      );
    }
    expect(model.unscripted.map((request) => request.error)).toEqual([]);
    for (const { run, played } of [...verdicts(calls.matrix), ...verdicts(calls.baseline)]) {
      expect(run.error, played?.trajectory.name).toBeNull();
      expect(played, run.tracePath).toBeDefined();
    }
  });

  describe.each(cases)('%s', (name) => {
    it('passes what the case wants, fails the wrong behaviour on the graders that catch it, and fails doing nothing', () => {
      const runs = [...verdicts(calls.matrix), ...verdicts(calls.baseline)].filter((run) => run.caseName === name);
      const played = runs.map((run) => `${run.played?.arm}: ${run.played?.trajectory.name}`).sort();
      const planned = plans
        .slice(0, 2)
        .flatMap((plan) =>
          Object.entries(plan.trajectories[name]).flatMap(([arm, all]) => all.map((one) => `${arm}: ${one.name}`)),
        );
      expect(played).toEqual(planned.sort());
      for (const { played, failed, score } of runs) {
        const { name: trajectory, expect: wanted } = played!.trajectory;
        if (wanted === 'pass') {
          expect(failed, trajectory).toEqual([]);
          expect(score, trajectory).toBe(1);
        } else {
          expect(score, trajectory).toBeLessThan(1);
          if (Array.isArray(wanted)) expect(failed, trajectory).toEqual(expect.arrayContaining(wanted));
        }
      }
    });
  });

  it('doing nothing fails every case with the plugin and without the pack, and so does a run that ends before any model call', () => {
    for (const call of [calls.matrix, calls.baseline]) {
      const nothing = verdicts(call).filter((run) => run.played?.trajectory === DO_NOTHING);
      expect(nothing.map((run) => run.caseName).sort()).toEqual(cases);
      for (const { caseName, score } of nothing) expect(score, caseName).toBeLessThan(1);
    }
    const loggedOut = calls.loggedOut.flatMap((call) => verdicts(call));
    expect(loggedOut.map((run) => run.caseName).sort()).toEqual(cases);
    for (const { caseName, run, score } of loggedOut) {
      expect(run.error, caseName).toMatch(/Not logged in/);
      expect(run.graders.length, caseName).toBeGreaterThan(0); // graded, not skipped
      expect(score, caseName).toBeLessThan(1);
    }
  });

  it("implement-then-verify passes without the pack's agent names (general-purpose agents that test and review)", () => {
    const direct = verdicts(calls.baseline).find(
      (run) => run.caseName === 'implement-then-verify' && run.played?.trajectory.expect === 'pass',
    );
    expect(direct?.failed).toEqual([]);
  });

  it('orchestrator-skill-fired counts a skill the client loaded, not a Skill call it refused', () => {
    const fired = (run: EvaluatedRun) => run.graders.find((grader) => grader.name === 'orchestrator-skill-fired');
    const plugin = verdicts(calls.matrix).filter((run) => run.played?.trajectory.expect === 'pass' && fired(run.run));
    expect(plugin.length).toBeGreaterThan(5);
    for (const { run, played } of plugin) expect(fired(run)?.passed, played?.trajectory.name).toBe(true);
    // Without the pack the same trajectory calls the skill too, and the client refuses it.
    const refused = verdicts(calls.baseline).find(
      (run) => run.caseName === 'implement-then-verify' && run.played?.trajectory.expect === 'pass',
    )!;
    const folder = runFolder(refused.run.tracePath!)!;
    const answered = model.requests.filter((recorded) => requestText(recorded.body).includes(`${folder}/`));
    expect(answered.some((recorded) => requestText(recorded.body).includes('Unknown skill: orchestrator'))).toBe(true);
    expect(fired(refused.run)?.passed).toBe(false);
  });

  it('both forms load the pack: the first request of a run with it lists its skills and agents, without it none', () => {
    const pack = [
      ...['orchestrator', 'engineer', 'tester', 'reviewer', 'coordinator'].map(
        (role) => `.claude/skills/${role}/SKILL.md`,
      ),
      ...['engineer', 'tester', 'reviewer'].map((role) => `.claude/agents/${role}.md`),
    ].map((path) => ({
      name: /([a-z]+)(?:\/SKILL)?\.md$/.exec(path)![1],
      description: parseFrontmatter(readFileSync(join(packRoot, path), 'utf8')).data.description as string,
    }));
    /** The pack's skills and agents the client listed, by the names it gives them in the plugin and in a personal install. */
    const listed = (shown: string) =>
      pack.flatMap(({ name, description }) =>
        [`ai-pack:${name}`, name].filter((named) => shown.includes(`- ${named}: ${description}`)),
      );
    for (const [plan, arm, names] of [
      [plans[2], 'plugin', pack.map(({ name }) => `ai-pack:${name}`)],
      [plans[3], 'personal', pack.map(({ name }) => name)],
    ] as const) {
      const runs = [...suite.played].filter(([, played]) => played.plan === plan);
      expect(runs.map(([, played]) => played.arm).sort()).toEqual(['baseline', arm]);
      for (const [folder, played] of runs) {
        const first = model.requests.find(
          (recorded) => recorded.conversation === EVAL_CASE && requestText(recorded.body).includes(`${folder}/`),
        );
        expect(listed(requestText(first!.body)), played.arm).toEqual(played.arm === 'baseline' ? [] : names);
      }
    }
  });

  it('npm run eval prints and writes per case the pass rate in each arm, the difference, time and tokens', () => {
    for (const form of [calls.pluginForm, calls.personalForm]) {
      expect(form.run.status, form.run.output.slice(-3000)).toBe(0);
      const row = `| ${EVAL_CASE} | 100% (1) | 0% (1) | +100 | `;
      expect(form.run.output).toContain(row);
      expect(form.result.summaryMarkdown).toContain(row);
      const [summary] = JSON.parse(form.result.summaryJson).summary;
      expect(summary).toMatchObject({
        name: EVAL_CASE,
        delta: 1,
        with: { runs: 1, passRate: 1 },
        without: { passRate: 0 },
      });
      expect(summary.with.meanTokens).toBeGreaterThan(0);
      expect(summary.with.meanSeconds).toBeGreaterThan(0);
    }
  });
});
