// The eval suite in evals/, checked offline: the pinned client loads every case (a malformed
// case is reported before any model call), and each case's scaffold builds its repository.
// No credential is involved: every run stops at the client's auth (or sandbox) check.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../generators/io/paths.js';
import { claudeBinary, runClaude, throwAwayHome } from './helpers/claude.js';

const suite = join(packageRoot, 'evals');
const cases = readdirSync(suite, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(suite, entry.name, 'case.yaml')))
  .map((entry) => entry.name);

/** Failing tests each scaffolded repository starts with: the bug the case asks Claude to fix. */
const FAILING_AT_START: Record<string, number> = {
  'independent-failures': 3,
  'no-fan-out-one-line-fix': 1,
};

const cleanups: string[] = [];
afterEach(() => {
  for (const path of cleanups.splice(0)) {
    // The client closes the modes of a run folder it keeps; open them again so it can be removed.
    if (existsSync(path)) execFileSync('chmod', ['-R', 'u+rwX', path]);
    rmSync(path, { recursive: true, force: true });
  }
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(dir);
  return dir;
}

/** A copy of the suite as `npm run eval` stages it: <target>/evals. */
function stagedSuite(): string {
  const target = tempDir('ai-pack-evals-');
  cpSync(suite, join(target, 'evals'), {
    recursive: true,
    filter: (path) => !/[/\\](results|_pack)$/.test(path),
  });
  return target;
}

/**
 * `claude plugin eval` with the flags `npm run eval` passes, one run per case, in a throw-away HOME.
 * `-j 8` starts every case's run at once: without a credential the client stops the suite at the
 * first failed login, and a run already started still reports.
 */
function runSuite(target: string, ...only: string[]) {
  const home = throwAwayHome();
  cleanups.push(home);
  const out = join(home, 'out');
  const args = ['plugin', 'eval', target, ...only.flatMap((name) => ['--case', name]), '-j', '8'];
  args.push('--trust-plugin', '--scaffold', '--allow-tools', 'Edit', 'Write', 'Bash', '--no-publish', '--runs', '1');
  args.push('--ablation', 'none', '--output-dir', out, '--json', join(out, 'result.json'));
  const result = runClaude(args, { cwd: target, home, timeoutMs: 90_000 });
  const output = result.stdout + result.stderr;
  for (const [, kept] of output.matchAll(/kept temp \(run failed\): (\S+)/g)) cleanups.push(kept);
  const json = existsSync(join(out, 'result.json'))
    ? JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))
    : undefined;
  return { ...result, output, json };
}

/** The whole suite as the client loaded it (graders included), shared by the tests below. */
let loaded: ReturnType<typeof runSuite>;
beforeAll(() => {
  loaded = runSuite(stagedSuite());
}, 90_000);

describe('the pinned client loads every case', () => {
  it('loads, scaffolds and grades every case without a warning, stopping before any model call', () => {
    expect(cases).toEqual([
      'fan-out-three-features',
      'implement-then-verify',
      'independent-failures',
      'no-fan-out-design-question',
      'no-fan-out-one-line-fix',
      'no-fan-out-sequential-migration',
      'shared-file',
    ]);
    const run = loaded;
    expect(run.output).not.toMatch(/Couldn't load|⚠ case|cannot pass|grader threw|scaffold failed/);
    expect(run.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    expect(run.json.cases.map((loaded: { name: string }) => loaded.name)).toEqual(cases);
    for (const one of run.json.cases) {
      expect(one.graders.length, one.name).toBeGreaterThan(0);
      // Each run ended at the credential (or, with Bash granted on a machine without a sandbox
      // backend, at the sandbox check): nothing reached a model.
      expect(one.arms.with[0].error, one.name).toMatch(/Not logged in|sandbox/);
    }
    expect(run.json.costUsd).toBe(0);
  });

  it('reports a malformed case before any run, so the check above can fail', () => {
    const target = stagedSuite();
    const broken = join(target, 'evals/no-fan-out-one-line-fix/case.yaml');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('type: tool_used', 'type: tool_usde'));
    const run = runSuite(target, 'no-fan-out-one-line-fix');
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/Couldn't load 1 case file/);
    expect(run.output).toMatch(/no-fan-out-one-line-fix/);
  });
});

/** Runs a case's scaffold as the client does (`bash <case>/scaffold.sh` in the empty working directory). */
function scaffold(suiteDir: string, name: string): string {
  const repo = tempDir(`ai-pack-scaffold-${name}-`);
  const home = tempDir('ai-pack-scaffold-home-');
  const result = spawnSync('bash', [join(suiteDir, name, 'scaffold.sh')], {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: home, TMPDIR: home },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return repo;
}

const git = (repo: string, ...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

describe("each case's scaffold builds its repository", () => {
  it.each(cases)('%s', (name) => {
    const repo = scaffold(suite, name);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'log', '--format=%s')).toBe('scaffold\n');
    expect(existsSync(join(repo, '.claude'))).toBe(false); // no pack unless one is staged
    const tests = spawnSync(process.execPath, ['--test'], {
      cwd: repo,
      encoding: 'utf8',
    });
    const failing = Number(/fail (\d+)/.exec(tests.stdout)?.[1]);
    expect(failing).toBe(FAILING_AT_START[name] ?? 0);
  });

  it('copies the project install staged in evals/_pack into the repository, committed', () => {
    const staged = join(stagedSuite(), 'evals');
    const skill = join(staged, '_pack/.claude/skills/orchestrator/SKILL.md');
    mkdirSync(join(skill, '..'), { recursive: true });
    writeFileSync(skill, '---\nname: orchestrator\ndescription: stand-in\n---\n');
    const repo = scaffold(staged, 'shared-file');
    expect(readFileSync(join(repo, '.claude/skills/orchestrator/SKILL.md'), 'utf8')).toContain('stand-in');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'ls-files', '.claude')).toContain('.claude/skills/orchestrator/SKILL.md');
  });
});

// The graders judge a run by its trace: the child's stream-json, one JSON object a line, each
// assistant content block on its own line under its message id, with `parent_tool_use_id` null on
// the main thread and set to the launching Agent call on a subagent's lines. test/evals/traces/
// holds two traces recorded from the pinned client's own harness (`claude plugin eval` on
// fan-out-three-features, the model replaced by a local stand-in that scripts its replies): three
// launches in one message, and the same three one message at a time. `trace` builds more in that
// shape, and `grade` applies a grader as client 2.1.332 does (tool_used: calls of that tool on any
// thread whose JSON input matches input_match, within min..max, min 1 by default; regex: the
// pattern over the trace's lines).
interface Call {
  name: string;
  input: Record<string, unknown>;
}
interface Grader {
  name: string;
  type: string;
  config: {
    pattern?: string;
    flags?: string;
    match?: string;
    target?: unknown;
    tool?: string;
    input_match?: string;
    min?: number;
    max?: number;
  };
}

const recorded = (name: string) => readFileSync(join(packageRoot, 'test/evals/traces', `${name}.jsonl`), 'utf8');

/** A trace: each inner list is one assistant message (its calls share a message id); `sub` marks a subagent's call. */
function trace(messages: (Call & { sub?: boolean })[][]): string {
  const lines = ['{"type":"system","subtype":"init","tools":["Agent","Bash","Edit","Read","Write"]}'];
  for (const [m, message] of messages.entries()) {
    for (const [c, { sub, ...call }] of message.entries()) {
      const block = { type: 'tool_use', id: `toolu_${m}_${c}`, ...call };
      const parent = sub ? 'toolu_0_0' : null;
      const content = { id: `msg_${m}`, type: 'message', role: 'assistant', content: [block] };
      lines.push(JSON.stringify({ type: 'assistant', message: content, parent_tool_use_id: parent }));
      const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: block.id, content: 'ok' }] };
      lines.push(JSON.stringify({ type: 'user', message: result, parent_tool_use_id: parent }));
    }
  }
  return lines.join('\n');
}

/** Every tool_use block of the trace's assistant lines, on any thread, as the client collects them. */
function toolCalls(lines: string): Call[] {
  return lines
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.type === 'assistant')
    .flatMap((entry) => entry.message.content.filter((block: { type: string }) => block.type === 'tool_use'));
}

function grade(grader: Grader, lines: string): boolean {
  const { config } = grader;
  if (grader.type === 'tool_used') {
    const count = toolCalls(lines).filter(
      (call) => call.name === config.tool && new RegExp(config.input_match ?? '').test(JSON.stringify(call.input)),
    ).length;
    return count >= (config.min ?? 1) && count <= (config.max ?? Number.POSITIVE_INFINITY);
  }
  if (grader.type === 'regex' && config.target === 'trace') {
    const found = new RegExp(config.pattern as string, config.flags).test(lines);
    return config.match === 'not_contains' ? !found : found;
  }
  throw new Error(`no fixture for grader ${grader.name} (${grader.type})`);
}

function graders(name: string): Record<string, Grader> {
  const found = loaded.json.cases.find((one: { name: string }) => one.name === name);
  return Object.fromEntries(found.graders.map((grader: Grader) => [grader.name, grader]));
}

const root = '/tmp/run/repo';
const agent = (task: string, extra: Record<string, unknown> = {}, sub = false) => ({
  name: 'Agent',
  input: {
    description: task,
    prompt: `Project root: ${root}. You own ${root}/src/${task}.js.\nDone when: npm test passes.`,
    subagent_type: 'engineer',
    ...extra,
  },
  sub,
});
const bash = (command: string, sub = false) => ({
  name: 'Bash',
  input: { command },
  sub,
});

describe('the graders tell fan-out from its absence', () => {
  const parallel = trace([
    [agent('slugify'), agent('truncate'), agent('wrap')],
    [bash('npm test', true)],
    [bash('npm test')],
  ]);
  const sequential = trace([[agent('slugify')], [agent('truncate')], [agent('wrap')], [bash('npm test', true)]]);

  it('fan-out-three-features, on traces recorded from the client: three launches in one message pass, one by one fail', () => {
    const g = graders('fan-out-three-features');
    const together = recorded('fan-out-in-one-message');
    const oneByOne = recorded('fan-out-one-by-one');
    for (const name of ['one-agent-per-feature', 'briefs-give-absolute-paths', 'briefs-say-when-done']) {
      expect(grade(g[name], together), name).toBe(true);
      expect(grade(g[name], oneByOne), name).toBe(true);
    }
    expect(grade(g['launched-in-one-message'], together)).toBe(true);
    expect(grade(g['launched-in-one-message'], oneByOne)).toBe(false);
    expect(grade(graders('shared-file')['no-parallel-writers'], together)).toBe(false);
    expect(grade(graders('shared-file')['no-parallel-writers'], oneByOne)).toBe(true);
    // The stand-in model never ran the tests: no fan-in.
    expect(grade(g['fan-in-runs-the-suite'], together)).toBe(false);
  });

  it('fan-out-three-features: the fan-in, foreground launches, relative paths and a subagent fanning out', () => {
    const g = graders('fan-out-three-features');
    for (const name of Object.keys(g).filter((name) => !/written|skill-fired/.test(name))) {
      expect(grade(g[name], parallel), name).toBe(true);
    }
    expect(grade(g['fan-in-runs-the-suite'], sequential)).toBe(false); // only a subagent ran the tests
    expect(grade(g['none-in-foreground'], trace([[agent('a', { run_in_background: false })]]))).toBe(false);
    const relative = trace([
      [1, 2, 3].map((n) => ({ name: 'Agent', input: { prompt: `Add src/f${n}.js, test/unit/f${n}.test.js` } })),
    ]);
    expect(grade(g['briefs-give-absolute-paths'], relative)).toBe(false);
    const nested = trace([[agent('a')], [agent('b', {}, true), agent('c', {}, true), agent('d', {}, true)]]);
    expect(grade(g['launched-in-one-message'], nested)).toBe(false); // a subagent's launches are not the orchestrator's
  });

  it('implement-then-verify: accepts engineer-style and ai-pack: agent names, and wants the two launched together', () => {
    const g = graders('implement-then-verify');
    const write = { name: 'Write', input: { file_path: `${root}/src/duration.js`, content: '' } };
    for (const prefix of ['', 'ai-pack:']) {
      const run = trace([
        [write],
        [
          agent('Check parseDuration', { subagent_type: `${prefix}tester` }),
          agent('Check parseDuration', { subagent_type: `${prefix}reviewer` }),
        ],
      ]);
      for (const name of [
        'tester-launched',
        'reviewer-launched',
        'tester-and-reviewer-together',
        'at-most-two-agents',
      ]) {
        expect(grade(g[name], run), `${prefix}${name}`).toBe(true);
      }
    }
    const apart = trace([
      [write],
      [agent('Test parseDuration', { subagent_type: 'general-purpose' })],
      [agent('Review parseDuration', { subagent_type: 'general-purpose' })],
    ]);
    expect(grade(g['tester-launched'], apart)).toBe(true);
    expect(grade(g['tester-and-reviewer-together'], apart)).toBe(false);
  });

  it('no-fan-out and shared-file: agents launched together fail, one at a time or in worktrees pass', () => {
    const migration = graders('no-fan-out-sequential-migration')['no-agents-launched-together'];
    const writers = graders('shared-file')['no-parallel-writers'];
    const isolated = trace([[agent('done', { isolation: 'worktree' }), agent('remove', { isolation: 'worktree' })]]);
    expect(grade(migration, parallel)).toBe(false);
    expect(grade(migration, sequential)).toBe(true);
    expect(grade(writers, parallel)).toBe(false);
    expect(grade(writers, sequential)).toBe(true);
    expect(grade(writers, isolated)).toBe(true);
    expect(grade(writers, trace([[agent('done', { isolation: 'worktree' }), agent('remove')]]))).toBe(true);
    expect(grade(graders('no-fan-out-one-line-fix')['no-agent'], sequential)).toBe(false);
    expect(grade(graders('no-fan-out-design-question')['no-agent'], trace([[bash('ls')]]))).toBe(true);
  });

  it('reads a trace that keeps a whole message on one line as well', () => {
    const blocks = ['a', 'b', 'c'].map((task) => ({ type: 'tool_use', name: 'Agent', input: agent(task).input }));
    const oneLine = JSON.stringify({
      type: 'assistant',
      message: { id: 'msg_1', content: blocks },
      parent_tool_use_id: null,
    });
    expect(grade(graders('fan-out-three-features')['launched-in-one-message'], oneLine)).toBe(true);
  });
});

/**
 * Runs fan-out-three-features through the client's own harness, the model replaced by the stand-in
 * (test/evals/traces/stand-in-model.mjs) that launches its three agents together or one by one,
 * and returns the client's verdict per grader.
 */
async function harnessVerdicts(oneByOne: boolean): Promise<Record<string, boolean>> {
  const script = join(packageRoot, 'test/evals/traces/stand-in-model.mjs');
  const standIn = spawn(process.execPath, [script, ...(oneByOne ? ['--one-by-one'] : []), '--port', '0']);
  try {
    const port = await new Promise<string>((resolve, reject) => {
      standIn.stdout.on('data', (chunk) => resolve(/listening (\d+)/.exec(String(chunk))?.[1] ?? ''));
      standIn.on('exit', () => reject(new Error('the stand-in model exited')));
    });
    const target = stagedSuite();
    const home = tempDir('ai-pack-evals-home-');
    const out = join(home, 'out');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CLAUDE|ANTHROPIC)/.test(name)));
    const args = ['plugin', 'eval', target, '--case', 'fan-out-three-features', '--runs', '1', '--ablation', 'none'];
    args.push(
      '--scaffold',
      '--allow-tools',
      'Edit',
      'Write',
      '--trust-plugin',
      '--no-publish',
      '--json',
      join(out, 'r.json'),
    );
    const run = await runAsync(claudeBinary, [...args, '--output-dir', out], {
      cwd: target,
      timeout: 120_000,
      env: {
        ...env,
        HOME: home,
        TMPDIR: home,
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
        ANTHROPIC_API_KEY: 'stand-in',
      },
    });
    const [result] = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')).cases[0].arms.with;
    expect(result.error, run.stdout + run.stderr).toBeFalsy();
    return Object.fromEntries(
      result.graders.map((grader: { name: string; passed: boolean }) => [grader.name, grader.passed]),
    );
  } finally {
    standIn.kill();
  }
}

/** spawnSync's result, without blocking: stdin closed, output as text, killed after `timeout` ms. */
function runAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeout: number },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe("the client's own harness grades a scripted run", () => {
  it('three launches in one message pass launched-in-one-message; the same launches one by one fail it', async () => {
    // Two independent runs (own stand-in model, suite copy and HOME each), side by side.
    const [together, oneByOne] = await Promise.all([harnessVerdicts(false), harnessVerdicts(true)]);
    for (const verdicts of [together, oneByOne]) {
      expect(verdicts['one-agent-per-feature']).toBe(true);
      expect(verdicts['briefs-give-absolute-paths']).toBe(true);
      expect(verdicts['fan-in-runs-the-suite']).toBe(false); // the stand-in never runs the tests
    }
    expect(together['launched-in-one-message']).toBe(true);
    expect(oneByOne['launched-in-one-message']).toBe(false);
  }, 240_000);
});
