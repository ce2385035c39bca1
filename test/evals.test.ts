// The eval suite in evals/, checked offline. Each case's scaffold builds its repository; a malformed case
// is reported before any run; and every case's graders are validated the way a real run grades: the
// pinned client's own runner, `claude plugin eval`, runs scripted trajectories (the model replaced by the
// stand-in, test/helpers/stand-in/model.ts; see test/evals/trajectories.ts) and must pass the one that
// does what the case wants and fail the wrong ones, doing nothing, and a run that ends before any model
// call. No credential is involved. `npm run eval` itself is run the same way, in both forms.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packRoot } from '../generators/io/paths.js';
import { pluginSources } from '../generators/io/templates.js';
import { parseFrontmatter } from '../generators/lib/frontmatter.js';
import { pluginFiles } from '../generators/lib/plugin.js';
import {
  type Arm,
  collect,
  DO_NOTHING,
  type EvalCall,
  type Plan,
  pluginEval,
  promptLine,
  runFolder,
  runsOf,
  scriptedSuite,
  type Trajectory,
} from './evals/scripted.js';
import {
  caseNames,
  type EvaluatedRun,
  fixedFlags,
  formatSummary,
  indicators,
  runScore,
  stageSuite,
  suiteRoot,
  summarize,
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
  'claude plugin eval needs a Bash sandbox and bubblewrap or socat is missing, so the scripted runs cannot run. ' +
  'Install them (Debian: apt-get install -y bubblewrap socat; .ci/run does it in CI).';

if (!sandboxed) {
  it('runs the scripted trajectories (needs bubblewrap and socat)', (context) => {
    if (process.env.CI) throw new Error(NO_SANDBOX);
    context.skip(NO_SANDBOX);
  });
}

/**
 * The case `npm run eval --form personal` plays: the lookup with Explore agents with the pack, the same lookup given
 * to general-purpose agents without it (a Skill call the client refuses included).
 */
const EVAL_CASE = 'lookup-fan-out';
const right = (name: string) => TRAJECTORIES[name].filter((trajectory) => trajectory.expect === 'pass');
const wrong = (name: string) => TRAJECTORIES[name].filter((trajectory) => trajectory.expect !== 'pass');

/**
 * What each arm of `--ablation with-without` plays for a case: with the plugin, what the case wants and doing
 * nothing; without the pack, doing nothing and the most likely wrong behaviour (graders read behaviour, not the
 * pack's names). The runner runs a case as often in both arms: a second wrong behaviour runs with the plugin, and
 * the arm with fewer plays the passing route without the pack's names (its graders must not need them).
 */
function arms(name: string): { plugin: Trajectory[]; baseline: Trajectory[] } {
  const [first, ...more] = wrong(name);
  const plugin = [...right(name), DO_NOTHING, ...more];
  const baseline = [DO_NOTHING, first];
  while (baseline.length < plugin.length) baseline.push(right(name)[0]);
  return { plugin, baseline };
}

function readResults(home: string) {
  const folder = join(home, 'results');
  const read = (file: string) => (existsSync(join(folder, file)) ? readFileSync(join(folder, file), 'utf8') : '');
  return { summaryJson: read('summary.json'), summaryMarkdown: read('summary.md') };
}

describe.runIf(sandboxed)('scripted trajectories, graded by claude plugin eval against the stand-in model', () => {
  const homes = { matrix: throwAwayHome(), personalForm: throwAwayHome(), dryRun: throwAwayHome() };
  const plans: Plan[] = [
    { home: homes.matrix, trajectories: Object.fromEntries(cases.map((name) => [name, arms(name)])) },
    {
      home: homes.personalForm,
      trajectories: { [EVAL_CASE]: { personal: right(EVAL_CASE), baseline: [wrong(EVAL_CASE)[0]] } },
    },
  ];
  const prompts = Object.fromEntries(cases.map((name) => [name, promptLine(suiteRoot, name)]));
  const suite = scriptedSuite(prompts, plans);
  const npmRunEval = (home: string, args: string[], model?: StandInModel) =>
    collect(process.execPath, [join(suiteRoot, '../test/evals/run.ts'), ...args, '--output', join(home, 'results')], {
      env: standInEnvironment(home, model),
      timeoutMs: 560_000,
    });
  let model: StandInModel;
  let calls: {
    matrix: EvalCall;
    loggedOut: EvalCall;
    personalForm: { status: number | null; output: string };
    dryRun: { status: number | null; output: string };
  };

  beforeAll(async () => {
    model = await startStandInModel(suite.conversations);
    const marketplace = tempFolder('ai-pack-marketplace-');
    writeFiles(marketplace, pluginFiles(pluginSources()));
    const plugin = join(marketplace, 'plugin');
    stageSuite(plugin, Object.fromEntries(cases.map((name) => [name, arms(name).plugin.length])));
    const loggedOut = tempFolder('ai-pack-evals-');
    stageSuite(loggedOut);
    const flags = (...extra: string[]) => [...fixedFlags(), ...extra];
    const timeoutMs = 560_000;
    // Independent runs side by side: the matrix, `npm run eval` of the personal form, and, without a
    // credential, the case whose do-nothing run once scored 1 (no-fan-out-design-question).
    const [matrix, personalForm, loggedOutCall, dryRun] = await Promise.all([
      pluginEval(plugin, flags('--ablation', 'with-without', '-j', '8'), { home: homes.matrix, model, timeoutMs }),
      npmRunEval(homes.personalForm, ['--form', 'personal', '--case', EVAL_CASE, '--runs', '1'], model),
      pluginEval(loggedOut, flags('--case', 'no-fan-out-design-question', '--runs', '1', '--ablation', 'none'), {
        home: throwAwayHome(),
        timeoutMs,
      }),
      npmRunEval(homes.dryRun, ['--plugin', plugin, '--dry-run']),
    ]);
    calls = { matrix, loggedOut: loggedOutCall, personalForm, dryRun };
  }, 600_000);

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
    for (const call of [calls.matrix, calls.loggedOut]) {
      expect(call.output).not.toMatch(/Couldn't load|⚠ case|cannot pass|grader threw|scaffold failed/);
      expect(call.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    }
    expect(calls.matrix.result?.cases.map((one) => one.name).sort()).toEqual(cases);
    expect(model.unscripted.map((request) => request.error)).toEqual([]);
    for (const { run, played } of verdicts(calls.matrix)) {
      expect(run.error, played?.trajectory.name).toBeNull();
      expect(played, run.tracePath).toBeDefined();
    }
  });

  describe.each(cases)('%s', (name) => {
    it('passes what the case wants, fails the wrong behaviour on the graders that catch it, and fails doing nothing', () => {
      const runs = verdicts(calls.matrix).filter((run) => run.caseName === name);
      const planned = Object.entries(arms(name)).flatMap(([arm, all]) => all.map((one) => `${arm}: ${one.name}`));
      expect(runs.map((run) => `${run.played?.arm}: ${run.played?.trajectory.name}`).sort()).toEqual(planned.sort());
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

  it('doing nothing fails every case in both arms, and so does a run that ends before any model call', () => {
    const nothing = verdicts(calls.matrix).filter((run) => run.played?.trajectory === DO_NOTHING);
    expect(nothing.map((run) => `${run.played?.arm} ${run.caseName}`).sort()).toEqual(
      cases.flatMap((name) => [`baseline ${name}`, `plugin ${name}`]).sort(),
    );
    for (const { caseName, score } of nothing) expect(score, caseName).toBeLessThan(1);
    // Without a credential the client exits before any model call; the runner still grades the run.
    const [loggedOut] = verdicts(calls.loggedOut);
    expect(loggedOut.run.error).toMatch(/Not logged in/);
    expect(loggedOut.run.graders.length).toBeGreaterThan(0);
    expect(loggedOut.score).toBeLessThan(1);
  });

  it("the passing routes pass without the pack's names too (general-purpose agents, a refused Skill call)", () => {
    const baseline = verdicts(calls.matrix).filter(
      (run) => run.played?.arm === 'baseline' && run.played.trajectory.expect === 'pass',
    );
    expect(baseline.map((run) => run.caseName).sort()).toEqual(['fan-out-three-features', 'implement-then-verify']);
    for (const { caseName, failed } of baseline) expect(failed, caseName).toEqual([]);
  });

  it('orchestrator-skill-fired counts a skill the client loaded, not a Skill call it refused', () => {
    const fired = (run: EvaluatedRun) => run.graders.find((grader) => grader.name === 'orchestrator-skill-fired');
    const loaded = verdicts(calls.matrix).filter((run) => run.played?.trajectory.expect === 'pass' && fired(run.run));
    expect(loaded.length).toBeGreaterThan(5);
    for (const { run, played } of loaded) expect(fired(run)?.passed, played?.trajectory.name).toBe(true);
    // Without the pack (the personal form's second pass, where --ablation none grades the indicator) the same
    // call is refused: "Unknown skill".
    const withoutPack = JSON.parse(readFileSync(join(homes.personalForm, 'results/without/result.json'), 'utf8'));
    const [refused] = runsOf(withoutPack);
    const folder = runFolder(refused.run.tracePath ?? '')!;
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
    const names = { plugin: pack.map(({ name }) => `ai-pack:${name}`), personal: pack.map(({ name }) => name) };
    const seen = new Set<Arm>();
    for (const [folder, played] of suite.played) {
      if (played.caseName !== EVAL_CASE) continue;
      const first = model.requests.find(
        (recorded) => recorded.conversation === EVAL_CASE && requestText(recorded.body).includes(`${folder}/`),
      );
      expect(listed(requestText(first!.body)), played.arm).toEqual(played.arm === 'baseline' ? [] : names[played.arm]);
      seen.add(played.arm);
    }
    expect([...seen].sort()).toEqual(['baseline', 'personal', 'plugin']);
  });

  it('npm run eval prints and writes per case the pass rate in each arm, the difference, time and tokens', () => {
    expect(calls.personalForm.status, calls.personalForm.output.slice(-3000)).toBe(0);
    const row = `| ${EVAL_CASE} | 100% (1) | 0% (1) | +100 | `;
    expect(calls.personalForm.output).toContain(row);
    const { summaryJson, summaryMarkdown } = readResults(homes.personalForm);
    expect(summaryMarkdown).toContain(row);
    const [summary] = JSON.parse(summaryJson).summary;
    expect(summary).toMatchObject({
      name: EVAL_CASE,
      delta: 1,
      with: { runs: 1, passRate: 1 },
      without: { passRate: 0 },
    });
    expect(summary.with.meanTokens).toBeGreaterThan(0);
    expect(summary.with.meanSeconds).toBeGreaterThan(0);
    // The plugin form's single pass, with and without the plugin, read the same way.
    const plugin = summarize(calls.matrix.result!).find((one) => one.name === 'no-fan-out-one-line-fix');
    expect(plugin).toMatchObject({ with: { runs: 2, passRate: 0.5 }, without: { runs: 2, passRate: 0 }, delta: 0.5 });
    expect(formatSummary([plugin!])).toContain('| no-fan-out-one-line-fix | 50% (2) | 0% (2) | +50 | ');
    expect(calls.dryRun.status).toBe(0);
    expect(calls.dryRun.output).toMatch(/Dry run: nothing was run/);
    expect(calls.dryRun.output).toMatch(/--ablation with-without/);
    expect(calls.dryRun.output).toMatch(
      /--allow-tools 'Bash\(npm test \*\)' 'Bash\(npm run build \*\)' 'Bash\(git \*\)' Edit Write SendMessage/,
    );
  });
});
