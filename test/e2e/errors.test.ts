import { spawn } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../generators/lib/catalogue.js';
import { runInProcess } from '../helpers/in-process.js';
import {
  asNobody,
  hasStackTrace,
  launcher,
  makeRepo,
  mtimes,
  node,
  readTree,
  runLauncher,
  tempFolder,
} from '../helpers/repo.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/settings', name), 'utf8');

/** A repository with a few files of the user's, so "nothing written" also means "nothing changed". */
function userRepo(extra: Record<string, string> = {}): string {
  return makeRepo({ 'README.md': '# mine\n', '.claude/notes.md': 'my notes\n', ...extra });
}

function expectUntouched(repo: string, before: { tree: Record<string, string>; times: Record<string, number> }): void {
  expect(readTree(repo)).toStrictEqual(before.tree);
  expect(mtimes(repo)).toStrictEqual(before.times);
}

const snapshot = (repo: string) => ({ tree: readTree(repo), times: mtimes(repo) });

/**
 * Runs the launcher with a stdin that is a pipe kept open and silent: no answer comes and the input never
 * ends, so a run that waits for input never ends by itself. It is stopped after 20 s (a bound for a hang,
 * not a measure of speed) and reported as having waited.
 */
function runWithSilentStdin(
  cwd: string,
  args: string[],
): Promise<{ status: number | null; output: string; waitedForInput: boolean }> {
  const child = spawn(node, [launcher, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  let waitedForInput = false;
  const hang = setTimeout(() => {
    waitedForInput = true;
    child.kill('SIGKILL');
  }, 20_000);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(hang);
      resolve({ status, output, waitedForInput });
    });
  });
}

describe('bad input', () => {
  for (const role of ['unknown', '../x', 'a/b']) {
    it(`--skills ${role} → exit 1, lists the valid roles, writes nothing`, async () => {
      const repo = userRepo();
      const before = snapshot(repo);
      const run = await runInProcess(repo, ['--yes', '--skills', `orchestrator,${role}`]);
      expect(run.status).toBe(1);
      expect(run.output).toContain(JSON.stringify(role));
      for (const valid of ROLES) expect(run.output).toContain(valid);
      expect(hasStackTrace(run.output), run.output).toBe(false);
      expectUntouched(repo, before);
    });
  }

  it('no TTY with only some answers given → exit 1 naming the missing options, writes nothing', async () => {
    const repo = userRepo();
    const before = snapshot(repo);
    const run = await runInProcess(repo, ['--skills', 'tester', '--no-agents']);
    expect(run.status).toBe(1);
    expect(run.output).toContain('--yes');
    expect(run.output).toContain('--test-command');
    expect(hasStackTrace(run.output), run.output).toBe(false);
    expectUntouched(repo, before);
  });

  const invalid: [string, string, string][] = [
    ['a comment', 'with-comment.json', ':3:5'],
    ['a trailing comma', 'trailing-comma.json', ':5:13'],
    ['a truncated file', 'truncated.json', ':4:23'],
  ];
  for (const [what, file, location] of invalid) {
    it(`settings.json with ${what} → exit 1 naming .claude/settings.json:LINE:COL, no file changed`, async () => {
      const repo = userRepo({ '.claude/settings.json': fixture(file), 'CLAUDE.md': '# mine\n' });
      const before = snapshot(repo);
      const run = await runInProcess(repo, ['--yes', '--claude-md']);
      expect(run.status).toBe(1);
      expect(run.output).toContain(`.claude/settings.json${location}`);
      expect(hasStackTrace(run.output), run.output).toBe(false);
      expectUntouched(repo, before);
    });
  }

  it('settings.json that is valid JSON but not an object → exit 1, no file changed', async () => {
    const repo = userRepo({ '.claude/settings.json': '["Bash(npm test)"]\n' });
    const before = snapshot(repo);
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status).toBe(1);
    expect(run.output).toContain('.claude/settings.json');
    expect(hasStackTrace(run.output), run.output).toBe(false);
    expectUntouched(repo, before);
  });

  // Only a process has a stdin that is a pipe, not a terminal.
  describe('real process: no terminal', () => {
    it('no TTY and no --yes → exit 1 without waiting for input, says --yes, writes nothing', async () => {
      const repo = userRepo();
      const before = snapshot(repo);
      const run = await runWithSilentStdin(repo, []);
      expect(run.waitedForInput, run.output).toBe(false);
      expect(run.status).toBe(1);
      expect(run.output).toContain('--yes');
      expect(hasStackTrace(run.output), run.output).toBe(false);
      expectUntouched(repo, before);
    });
  });

  const nobody = asNobody();
  /** A throw-away HOME `nobody` may write, in the run's temporary folder (never /tmp itself, which no check watches). */
  const homeForNobody = () => {
    const home = tempFolder('ai-pack-home-');
    chmodSync(home, 0o777);
    return home;
  };
  // Tests run as root, which ignores permission bits: run the launcher as `nobody` through setpriv.
  describe.skipIf(!nobody)('real process: unwritable target (run as nobody)', () => {
    it('a read-only repository root → exit 1, says so, writes nothing', () => {
      const repo = userRepo();
      chmodSync(repo, 0o555);
      const before = snapshot(repo);
      const run = runLauncher(repo, ['--yes'], { prefix: nobody, env: { HOME: homeForNobody() } });
      expect(run.status).toBe(1);
      expect(run.output).toMatch(/cannot write/i);
      expect(hasStackTrace(run.output), run.output).toBe(false);
      expectUntouched(repo, before);
    });

    it('a read-only .claude/skills folder → exit 1 without a stack trace, writes nothing', () => {
      const repo = userRepo({ '.claude/skills/mine/SKILL.md': 'my skill\n' });
      chmodSync(join(repo, '.claude'), 0o777);
      chmodSync(join(repo, '.claude/skills'), 0o555);
      const before = snapshot(repo);
      const run = runLauncher(repo, ['--yes'], { prefix: nobody, env: { HOME: homeForNobody() } });
      expect(run.status).toBe(1);
      expect(run.output).toMatch(/cannot write/i);
      expect(run.output).toContain('.claude/skills');
      expect(hasStackTrace(run.output), run.output).toBe(false);
      expectUntouched(repo, before);
    });

    it('uninstall with a read-only skill folder → exit 1, removes nothing (no half-uninstalled pack)', async () => {
      const repo = userRepo();
      expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
      chmodSync(join(repo, '.claude'), 0o777);
      chmodSync(join(repo, '.claude/skills/tester'), 0o555);
      const before = snapshot(repo);
      const run = runLauncher(repo, ['uninstall'], { prefix: nobody, env: { HOME: homeForNobody() } });
      expect(run.status).toBe(1);
      expect(run.output).toMatch(/cannot write to .*\.claude\/skills\/tester/i);
      expect(hasStackTrace(run.output), run.output).toBe(false);
      expectUntouched(repo, before);
    });
  });
});
