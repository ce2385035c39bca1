import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { AiPackError } from '../lib/errors.js';
import { processIsAlive, startTimeOf, userOfProcess } from './processes.js';
import { kindOf } from './repository.js';
import { isLeftOverTemporary, temporaryName } from './temporary.js';
import { openUserFolder, type UserFolder } from './user-folder.js';

/** How long a second run waits for the first (or for whatever holds the lock path to go) before it gives up. */
const WAIT_MS = 2_000;
const POLL_MS = 50;
/** `<pid> <start time>\n` is a few dozen bytes: anything larger at the lock path is not a lock. */
const MAX_LOCK_BYTES = 64;
/** A lock whose run is gone is taken over; a few in a row mean something keeps putting them back. */
const MAX_TAKEOVERS = 3;

/**
 * One run at a time per repository. The lock is a file in the user's own folder (io/user-folder.ts: mode
 * 0700, owner checked, never in a folder others can write), named after the repository's device and inode,
 * so every path to one repository (a bind mount, another TMPDIR) meets the same lock. It appears whole or
 * not at all (written beside it, then linked into place), and holds the owner's process id and start time,
 * so a lock whose run is gone (killed), even one whose id now names another process, is taken over. Anything
 * else at the lock path is never read beyond a few bytes, never waited on for more than two seconds, and is
 * reported with the lock's path and what to do.
 */
export function lockRepository(realRoot: string): () => void {
  const folder = openUserFolder();
  if ('problem' in folder)
    throw new AiPackError(`generator-ai-pack cannot lock ${realRoot}: ${folder.problem}; nothing was written.`);
  const lock = new LockFile(folder, realRoot);
  try {
    lock.take();
  } catch (error) {
    folder.close();
    throw error;
  }
  return () => {
    lock.release();
    folder.close();
  };
}

/** Where the lock of a repository lives (for messages and tests). @internal */
export function lockPath(realRoot: string): string {
  const folder = openUserFolder();
  if ('problem' in folder) throw new AiPackError(folder.problem);
  folder.close();
  return join(folder.shown, lockName(realRoot));
}

function lockName(realRoot: string): string {
  const { dev, ino } = statSync(realRoot);
  return `repository-${dev}-${ino}.lock`;
}

type Found =
  | { kind: 'none' }
  | { kind: 'held'; pid: number }
  | { kind: 'stale'; stats: Stats }
  | { kind: 'foreign'; what: string };

class LockFile {
  readonly #name: string;
  readonly #path: string;
  readonly #shown: string;
  /** The lock this run linked into place: only that one is released. */
  #taken: Stats | undefined;

  constructor(
    readonly folder: UserFolder,
    readonly realRoot: string,
  ) {
    this.#name = lockName(realRoot);
    this.#path = join(folder.path, this.#name);
    this.#shown = join(folder.shown, this.#name);
  }

  take(): void {
    this.#clearLeftOverTemporaries();
    const deadline = Date.now() + WAIT_MS;
    let takeovers = 0;
    for (;;) {
      if (this.#tryCreate()) return;
      const found = this.#inspect();
      if (found.kind === 'stale' && takeovers < MAX_TAKEOVERS) {
        takeovers++;
        this.#removeIfStill(found.stats);
        continue;
      }
      if (Date.now() > deadline) throw this.#refusal(found);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
    }
  }

  release(): void {
    if (this.#taken) this.#removeIfStill(this.#taken);
    this.#taken = undefined;
  }

  /** Writes `<pid> <start time>` to a temporary file, then links it to the lock path: atomic, and fails if a lock is there. */
  #tryCreate(): boolean {
    const temp = join(this.folder.path, temporaryName(this.#name));
    const content = `${process.pid} ${startTimeOf('self') ?? '-'}\n`;
    try {
      const fd = openSync(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      try {
        writeFileSync(fd, content);
      } finally {
        closeSync(fd);
      }
      linkSync(temp, this.#path);
      this.#taken = lstatSync(this.#path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new AiPackError(
        `cannot write the lock ${this.#shown} (${(error as Error).message}). Make room there (free space, permissions), or set XDG_CACHE_HOME to another folder of yours, and run again; nothing was written.`,
      );
    } finally {
      tryUnlink(temp);
    }
  }

  /** What is at the lock path, read without following a link, without blocking and without reading more than a lock holds. */
  #inspect(): Found {
    let fd: number;
    try {
      // Looked at before it is opened: opening a device can have effects of its own.
      const problem = foreignBecause(lstatSync(this.#path));
      if (problem) return { kind: 'foreign', what: problem };
      fd = openSync(this.#path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'none' };
      return { kind: 'foreign', what: `a file that cannot be read (${code})` };
    }
    try {
      const stats = fstatSync(fd);
      const problem = foreignBecause(stats);
      if (problem) return { kind: 'foreign', what: problem };
      const buffer = Buffer.alloc(MAX_LOCK_BYTES);
      const text = buffer.subarray(0, readSync(fd, buffer, 0, MAX_LOCK_BYTES, 0)).toString('latin1');
      return this.#judge(text, stats);
    } finally {
      closeSync(fd);
    }
  }

  #judge(text: string, stats: Stats): Found {
    const match = /^(\d{1,10}) (\d{1,20}|-)\n$/.exec(text);
    if (!match) return { kind: 'foreign', what: text === '' ? 'an empty file' : 'a file that is not such a lock' };
    const pid = Number(match[1]);
    const started = match[2] === '-' ? undefined : match[2];
    if (!processIsAlive(pid)) return { kind: 'stale', stats };
    const startedNow = startTimeOf(pid);
    // The id names another process now: the lock's run is gone.
    if (started !== undefined && startedNow !== undefined && started !== startedNow) return { kind: 'stale', stats };
    // Left by an earlier run in this very process that failed (the generator run in-process).
    if (pid === process.pid) return { kind: 'stale', stats };
    const user = userOfProcess(pid);
    if (user !== undefined && user !== process.getuid?.())
      return { kind: 'foreign', what: `a lock naming process ${pid}, which belongs to user ${user}, not to you` };
    return { kind: 'held', pid };
  }

  #refusal(found: Found): AiPackError {
    if (found.kind === 'held')
      return new AiPackError(
        `another generator-ai-pack run is working in ${this.realRoot} (process ${found.pid}). Wait for it to finish, then run again; nothing was written. (Its lock: ${this.#shown}.)`,
      );
    const what = found.kind === 'foreign' ? found.what : 'a lock that keeps coming back';
    return new AiPackError(
      `the lock of ${this.realRoot}, ${this.#shown}, is ${what}, not a lock of a generator-ai-pack run. ` +
        `If no generator-ai-pack run is working there, remove it (rm -r ${this.#shown}) and run again; nothing was written.`,
    );
  }

  /** Removes the lock path if it still holds the file `stats` describes (a newer lock taken meanwhile stays). */
  #removeIfStill(stats: Stats): void {
    try {
      const now = lstatSync(this.#path);
      if (now.dev === stats.dev && now.ino === stats.ino) unlinkSync(this.#path);
    } catch {
      // already gone
    }
  }

  /** A run killed between writing its lock and linking it leaves the temporary file: cleared here. */
  #clearLeftOverTemporaries(): void {
    for (const name of readdirSync(this.folder.path))
      if (name.startsWith(`.${this.#name}.`) && isLeftOverTemporary(name)) tryUnlink(join(this.folder.path, name));
  }
}

/** Why what is at the lock path is not a lock a run of this user wrote, or undefined. */
function foreignBecause(stats: Stats): string | undefined {
  if (!stats.isFile()) return kindOf(stats);
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `a file of user ${stats.uid}, not yours`;
  if (stats.size > MAX_LOCK_BYTES) return `a file of ${stats.size} bytes, more than a lock holds`;
  return undefined;
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
