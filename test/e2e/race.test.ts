import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, snapshot, tempFolder } from '../helpers/repo.js';

/**
 * A race between plan and apply: while the generator runs, another process keeps swapping a folder of the
 * repository with a link to a folder outside it (renameat2 with RENAME_EXCHANGE, atomic, as fast as it can).
 * Whatever the timing, no byte outside the repository changes, and a run either finishes or stops with a clear
 * message; once the swapping stops, the next run finishes the job and uninstall leaves the repository as it was.
 */

/**
 * Swaps two paths: with a count, that many times; without, for ever, in bursts (the link in place for
 * 0.3 ms, then the folder for 2 ms), so that runs often get past their checks and meet the link only later.
 */
const EXCHANGE_C = `
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
static void exchange(char **argv) { syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 2 /* RENAME_EXCHANGE */); }
int main(int argc, char **argv) {
  if (argc > 3) { for (long times = atol(argv[3]); times > 0; times--) exchange(argv); return 0; }
  for (;;) { exchange(argv); usleep(300); exchange(argv); usleep(2000); }
}
`;
const EXCHANGE_PY = `
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = sys.argv[1].encode(), sys.argv[2].encode()
def exchange():
    libc.renameat2(-100, a, -100, b, 2)
if len(sys.argv) > 3:
    for _ in range(int(sys.argv[3])):
        exchange()
    sys.exit(0)
while True:
    exchange(); time.sleep(0.0003); exchange(); time.sleep(0.002)
`;

/** A command that swaps two paths `times` times (forever without): a tiny C program, else Python; undefined where neither is there. */
function exchanger(folder: string): string[] | undefined {
  const source = join(folder, 'exchange.c');
  writeFileSync(source, EXCHANGE_C);
  const binary = join(folder, 'exchange');
  if (spawnSync('gcc', ['-O2', '-o', binary, source]).status === 0) return [binary];
  writeFileSync(join(folder, 'exchange.py'), EXCHANGE_PY);
  if (spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL(None).renameat2']).status === 0)
    return ['python3', join(folder, 'exchange.py')];
  return undefined;
}

const probe = tempFolder('ai-pack-race-probe-');
const swap = process.platform === 'linux' ? exchanger(probe) : undefined;
const running: ChildProcess[] = [];

/** Stops the swapping processes, and waits until they are gone. */
async function stopSwapping(): Promise<void> {
  await Promise.all(
    running.splice(0).map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      return child.exitCode === null && child.signalCode === null ? exited : undefined;
    }),
  );
}

afterEach(stopSwapping);

describe.skipIf(!swap)('a folder swapped for a link out of the repository while the generator runs', () => {
  if (!swap) console.warn('skipped: no C compiler or python3 for renameat2 on this machine');

  it('installs (--force) and uninstalls, 40 of each: no byte outside changes, every run exits 0 or says why', async () => {
    const top = tempFolder('ai-pack-race-');
    const repo = join(top, 'repo');
    const outside = join(top, 'outside');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo });
    // Outside, beside the repository: what uninstall would delete (the pack's own files, byte for byte) and what
    // an install with --force would back up and overwrite (files of another shape at the pack's paths).
    cpSync(join(packRoot, '.claude/skills'), join(outside, 'skills'), { recursive: true });
    mkdirSync(join(outside, 'agents'));
    for (const agent of ['engineer', 'tester', 'reviewer'])
      writeFileSync(join(outside, 'agents', `${agent}.md`), 'precious\n');
    symlinkSync(join(outside, 'skills'), join(repo, 'swap-skills'));
    symlinkSync(join(outside, 'agents'), join(repo, 'swap-agents'));
    const outsideBefore = snapshot(outside);
    const repoBefore = snapshot(repo);
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);

    const pairs = [
      ['.claude/skills', 'swap-skills'],
      ['.claude/agents', 'swap-agents'],
    ].map(([a, b]) => [join(repo, a), join(repo, b)]);
    for (const [a, b] of pairs) running.push(spawn(swap![0], [...swap!.slice(1), a, b], { stdio: 'ignore' }));

    const outcomes = { finished: 0, refused: 0 };
    for (let round = 0; round < 40; round++) {
      for (const args of [
        ['--yes', '--force'],
        ['uninstall', '--yes'],
      ]) {
        const run = await runInProcess(repo, args);
        expect(hasStackTrace(run.output), run.output).toBe(false);
        expect([0, 1], run.output).toContain(run.status);
        if (run.status === 1)
          expect(run.stderr).toMatch(
            /outside the repository|changed while the generator was working|Run the generator again|nothing was written/,
          );
        outcomes[run.status === 0 ? 'finished' : 'refused']++;
        expect(snapshot(outside), `after round ${round}: ${run.output}`).toStrictEqual(outsideBefore);
      }
    }

    await stopSwapping();
    // Back to where they started: the links beside, the folders (if still there) in .claude.
    for (const [a, b] of pairs)
      if (lstatSync(a, { throwIfNoEntry: false })?.isSymbolicLink())
        execFileSync(swap![0], [...swap!.slice(1), a, b, '1']);
    const finish = await runInProcess(repo, ['--yes']);
    expect(finish.status, finish.output).toBe(0);
    const uninstall = await runInProcess(repo, ['uninstall', '--yes']);
    expect(uninstall.status, uninstall.output).toBe(0);
    // Every byte and link as before; a folder the pack made may stay, empty, where a swap kept it from removing it.
    const entries = (tree: Record<string, string>) => Object.entries(tree).filter(([, what]) => what !== '<dir>');
    expect(entries(snapshot(repo))).toStrictEqual(entries(repoBefore));
    expect(snapshot(outside)).toStrictEqual(outsideBefore);
    console.info(`race: ${outcomes.finished} runs finished, ${outcomes.refused} stopped with a message`);
  });
});
