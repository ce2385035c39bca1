import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from './apply.js';
import { AiPackError } from './errors.js';

/** How long a second run waits for the first before it gives up. */
const WAIT_MS = 2_000;
const POLL_MS = 50;

/**
 * One run at a time per repository. The lock lives in the system's temporary folder, keyed by the
 * repository's real path, so taking it writes nothing into the repository; it holds the owner's process
 * id, and a lock whose process is gone (killed) is taken over.
 */
export function lockRepository(realRoot: string): () => void {
  const path = lockPath(realRoot);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (tryCreate(path)) return () => release(path);
    const owner = ownerOf(path);
    // This process's own lock is left from an earlier run in it that failed (a generator run in-process).
    if (owner !== undefined && (owner === process.pid || !processIsAlive(owner))) {
      release(path, owner);
      continue;
    }
    if (owner === undefined && Date.now() > deadline) {
      // No owner written in all this time: left by a run killed between creating and writing it.
      release(path, undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new AiPackError(
        `another generator-ai-pack run is working in ${realRoot}${owner ? ` (process ${owner})` : ''}. ` +
          'Wait for it to finish, then run again; nothing was written.',
      );
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
  }
}

/** Where the lock of a repository (by its real path) lives. */
export function lockPath(realRoot: string): string {
  return join(tmpdir(), `generator-ai-pack-${createHash('sha256').update(realRoot).digest('hex').slice(0, 16)}.lock`);
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new AiPackError(
      `cannot take the lock ${path} (${(error as Error).message}): the system's temporary folder must be writable (set TMPDIR to one that is); nothing was written.`,
    );
  }
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return true;
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the lock if it is still held by `owner` (by default, this process; undefined: a lock with no owner). */
function release(path: string, owner: number | undefined = process.pid): void {
  if (ownerOf(path) !== owner) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
