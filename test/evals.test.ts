// The eval suite in evals/, checked offline: the pinned client loads every case (a malformed
// case is reported before any model call), and each case's scaffold builds its repository.
// No credential is involved: every run stops at the client's auth (or sandbox) check.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../generators/lib/paths.js';
import { runClaude, throwAwayHome } from './helpers/claude.js';

const suite = join(packageRoot, 'evals');
const cases = readdirSync(suite, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(suite, entry.name, 'case.yaml')))
  .map((entry) => entry.name);

/** Failing tests each scaffolded repository starts with: the bug the case asks Claude to fix. */
const FAILING_AT_START: Record<string, number> = { 'independent-failures': 3, 'no-fan-out-one-line-fix': 1 };

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
  cpSync(suite, join(target, 'evals'), { recursive: true, filter: (path) => !/[/\\](results|_pack)$/.test(path) });
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
  const json = existsSync(join(out, 'result.json')) ? JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) : undefined;
  return { ...result, output, json };
}

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
    const run = runSuite(stagedSuite());
    expect(run.output).not.toMatch(/Couldn't load|⚠ case|cannot pass|grader threw|scaffold failed/);
    expect(run.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    expect(run.json.cases.map((loaded: { name: string }) => loaded.name)).toEqual(cases);
    for (const loaded of run.json.cases) {
      expect(loaded.graders.length, loaded.name).toBeGreaterThan(0);
      // Each run ended at the credential (or, with Bash granted on a machine without a sandbox
      // backend, at the sandbox check): nothing reached a model.
      expect(loaded.arms.with[0].error, loaded.name).toMatch(/Not logged in|sandbox/);
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
    const tests = spawnSync(process.execPath, ['--test'], { cwd: repo, encoding: 'utf8' });
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
