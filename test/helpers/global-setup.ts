import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Names the run's folder to the summary reporter (test/helpers/summary-reporter.ts), which checks it. */
export const RUN_FOLDER = 'AI_PACK_TEST_RUN_FOLDER';
/** What may stay: the compile cache npm itself (which some tests run) keeps in the temporary folder. */
const KEPT = ['node-compile-cache'];

/**
 * Every test run gets a folder of its own, the one temporary root its tests use: TMPDIR, and HOME in its
 * `home/`, for the test workers and every process they start. A test that makes a folder (tempFolder in
 * ./repo.ts) or forgets to give a process a throw-away HOME therefore writes nowhere else, and never into
 * the real home. Each test removes what it makes; what is left fails the run (takeLeftovers below).
 * The generator's own folder of the user running the tests (XDG_CACHE_HOME: the compile cache and the
 * repository locks, see generators/io/user-folder.ts) is made there too, and may stay.
 */
export const USER_CACHE = 'user-cache';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'ai-pack-tests-'));
  const home = join(folder, 'home');
  mkdirSync(home);
  // Like /tmp itself: tests that drop root (yo, `nobody`) must be able to use them too.
  chmodSync(folder, 0o1777);
  chmodSync(home, 0o1777);
  process.env.TMPDIR = folder;
  process.env.HOME = home;
  process.env.XDG_CACHE_HOME = join(folder, USER_CACHE);
  process.env[RUN_FOLDER] = folder;
  return () => {
    const left = takeLeftovers();
    rmSync(folder, { recursive: true, force: true });
    // The summary reporter reports them before the summary line; this is for a run with other reporters.
    if (left.length > 0) throw new Error(leftoversMessage(left));
  };
}

/** What the tests left in the run's folder, HOME included, removed once listed (so it is reported once). */
export function takeLeftovers(): string[] {
  const folder = process.env[RUN_FOLDER];
  if (!folder || !existsSync(folder)) return [];
  const home = join(folder, 'home');
  const left = [
    ...readdirSync(folder).filter((name) => name !== 'home' && !name.startsWith(USER_CACHE) && !KEPT.includes(name)),
    ...(existsSync(home) ? readdirSync(home).map((name) => `home/${name}`) : []),
  ];
  for (const name of left) rmSync(join(folder, name), { recursive: true, force: true });
  return left;
}

export function leftoversMessage(left: string[]): string {
  const shown = left.slice(0, 10).join(', ') + (left.length > 10 ? ` and ${left.length - 10} more` : '');
  return `the tests left ${left.length} entries in their temporary folder (TMPDIR, HOME): ${shown}. Each test removes what it makes (test/helpers/cleanup.ts).`;
}
