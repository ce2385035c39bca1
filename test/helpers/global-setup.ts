import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test run gets a temporary folder of its own (TMPDIR, inherited by the test workers and every
 * process they start), and fails if the tests leave anything in it: each test cleans up what it creates.
 * The generator's own folder of the user running the tests (XDG_CACHE_HOME: the compile cache and the
 * repository locks, see generators/lib/user-folder.ts) is made there too, so the tests never touch the real
 * home folder's; it may stay, and so may the compile cache npm itself (which some tests run) keeps there.
 */
export const USER_CACHE = 'user-cache';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'ai-pack-tests-'));
  // Like /tmp itself: tests that drop root (yo, `nobody`) must be able to use it too.
  chmodSync(folder, 0o1777);
  process.env.TMPDIR = folder;
  process.env.XDG_CACHE_HOME = join(folder, USER_CACHE);
  return () => {
    const left = readdirSync(folder).filter((name) => !name.startsWith(USER_CACHE) && name !== 'node-compile-cache');
    rmSync(folder, { recursive: true, force: true });
    if (left.length > 0)
      throw new Error(`the tests left ${left.length} entries in the temporary folder: ${left.slice(0, 10).join(', ')}`);
  };
}
