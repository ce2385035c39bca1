import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { RUN_FOLDER } from '../helpers/global-setup.js';
import { tempFolder, writeFiles } from '../helpers/repo.js';
import SummaryReporter from '../helpers/summary-reporter.js';

/** The summary reporter's end of a run over `folder` as the run's folder: what it prints and the exit code. */
function endOfRun(folder: string): { printed: string; exitCode: typeof process.exitCode } {
  const saved = { folder: process.env[RUN_FOLDER], exitCode: process.exitCode };
  let printed = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    printed += String(text);
    return true;
  });
  try {
    process.env[RUN_FOLDER] = folder;
    process.exitCode = undefined;
    new SummaryReporter().onTestRunEnd([]);
    return { printed, exitCode: process.exitCode };
  } finally {
    write.mockRestore();
    process.env[RUN_FOLDER] = saved.folder;
    process.exitCode = saved.exitCode;
  }
}

describe("the tests' temporary folder (test/helpers/global-setup.ts) at the end of a run", () => {
  it('what the tests left in TMPDIR or HOME fails the run: named before the summary, counted in it, exit code 1', () => {
    const folder = tempFolder('ai-pack-run-');
    writeFiles(folder, {
      'node-compile-cache/v24/x': 'kept',
      'ai-pack-repo-abc/README.md': 'left',
      'home/.claude/settings.json': '{}',
    });
    const { printed, exitCode } = endOfRun(folder);
    expect(printed).toBe(
      '\nFAILED: the tests left 2 entries in their temporary folder (TMPDIR, HOME): ai-pack-repo-abc, home/.claude. ' +
        'Each test removes what it makes (test/helpers/cleanup.ts).\n' +
        '\n0 passed, 0 failed, 0 skipped, 2 left in the temporary folder\n',
    );
    expect(exitCode).toBe(1);
    // Reported once: the leftovers are gone, what may stay stays.
    expect(readdirSync(folder).sort()).toStrictEqual(['home', 'node-compile-cache']);
    expect(readdirSync(`${folder}/home`)).toStrictEqual([]);
  });

  it('a clean folder ends the run with the summary alone', () => {
    const folder = tempFolder('ai-pack-run-');
    writeFiles(folder, { 'node-compile-cache/v24/x': 'kept' });
    expect(endOfRun(folder)).toStrictEqual({ printed: '\n0 passed, 0 failed, 0 skipped\n', exitCode: undefined });
  });
});
