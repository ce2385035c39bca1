import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AiPackError } from './errors.js';
import type { Change } from './plan.js';
import type { Repository } from './repository.js';

/** The file operations the apply step uses; tests pass a version that fails or stops at a chosen step. */
export interface FileIo {
  writeFile(path: string, content: string): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  mkdir(path: string): void;
  rmdir(path: string): void;
}

export const nodeIo: FileIo = {
  writeFile: (path, content) => fs.writeFileSync(path, content, { flag: 'wx' }),
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (path) => fs.unlinkSync(path),
  mkdir: (path) => fs.mkdirSync(path),
  rmdir: (path) => fs.rmdirSync(path),
};

/** Temporary files are named after their target and this run, so a later run can recognise and clear them. */
const TEMP_NAME = /^\.(.+)\.ai-pack-(\d+)-[0-9a-f]{8}\.tmp$/;

interface PreparedWrite {
  target: string;
  temp: string;
}

/**
 * Carries out a plan's changes, atomically per file and all-or-nothing up to the first rename:
 *   1. every path is checked against the repository (no link out, nothing in .git) before anything is touched;
 *   2. each new content goes to a temporary file beside its target (a full disk fails here: the temporary
 *      files and any folder made for them are removed, and no file has changed);
 *   3. the temporary files are renamed over their targets (a kill leaves each file old or new, never cut);
 *   4. deletions, then the folders the plan emptied, and last the install record, so a run stopped
 *      earlier is recognised and finished by the next one. A change marked `first` (the record of what the
 *      run is about to do) is renamed before all others, one marked `last` after them.
 */
export function applyPlan(
  repo: Repository,
  changes: readonly Change[],
  emptiedFolders: readonly string[] = [],
  io: FileIo = nodeIo,
): void {
  const ordered = [
    ...changes.filter((change) => change.stage === 'first'),
    ...changes.filter((change) => !change.stage),
    ...changes.filter((change) => change.stage === 'last'),
  ];
  const resolved = ordered.map((change) => ({
    change,
    target: change.kind === 'delete' ? resolveName(repo, change.path) : repo.resolve(change.path),
  }));
  const folders = emptiedFolders.map((folder) => repo.resolve(folder));
  checkWritable(
    repo,
    resolved.map(({ target }) => target),
  );
  clearStaleTemporaryFiles(new Set(resolved.map(({ target }) => dirname(target))));

  const madeFolders: string[] = [];
  const prepared = new Map<number, PreparedWrite>();
  let current = '';
  try {
    for (const [index, { change, target }] of resolved.entries()) {
      if (change.kind !== 'write') continue;
      current = change.path;
      makeFolders(dirname(target), madeFolders, io);
      const temp = join(
        dirname(target),
        `.${basename(target)}.ai-pack-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
      );
      // Registered before the write: a write that fails half-way (full disk) leaves a file to remove.
      prepared.set(index, { target, temp });
      io.writeFile(temp, change.content);
      copyModeAndOwner(target, temp);
    }
  } catch (error) {
    for (const { temp } of prepared.values()) tryUnlink(temp, io);
    for (const folder of madeFolders.toReversed()) tryRmdir(folder, io);
    throw explain(error, current, 'nothing was changed');
  }

  const carryOut = (index: number, change: Change, target: string) => {
    current = change.path;
    if (change.kind === 'delete') return unlinkIfPresent(target, io);
    io.rename(prepared.get(index)!.temp, target);
    prepared.delete(index);
  };
  try {
    const last = resolved.findIndex(({ change }) => change.stage === 'last');
    for (const [index, { change, target }] of resolved.entries())
      if (change.stage !== 'last') carryOut(index, change, target);
    for (const folder of folders) tryRmdir(folder, io);
    if (last >= 0) carryOut(last, resolved[last].change, resolved[last].target);
  } catch (error) {
    for (const { temp } of prepared.values()) tryUnlink(temp, io);
    throw explain(error, current, 'some files were already changed; run the generator again to finish');
  }
}

/**
 * Every folder a change writes into (or the nearest existing one above it) must be writable: checked before
 * anything is touched, so a read-only sub-folder stops the run with a message instead of half a change.
 */
function checkWritable(repo: Repository, targets: string[]): void {
  const blocked = new Set<string>();
  for (const target of targets) {
    let folder = dirname(target);
    while (!fs.existsSync(folder)) folder = dirname(folder);
    try {
      fs.accessSync(folder, fs.constants.W_OK);
    } catch {
      blocked.add(repo.relativePath(folder) || '.');
    }
  }
  if (blocked.size > 0) {
    throw new AiPackError(
      `cannot write to ${[...blocked].sort().join(', ')} in ${repo.root}. Check the permissions (or run in a folder you own); nothing was written.`,
    );
  }
}

/** A delete removes the name itself (a link the user made is unlinked, its target kept). */
function resolveName(repo: Repository, path: string): string {
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? repo.realRoot : repo.resolve(path.slice(0, slash));
  repo.resolve(path); // the same checks as a write: nothing in .git, no link leading out
  return join(parent, path.slice(slash + 1));
}

function makeFolders(folder: string, made: string[], io: FileIo): void {
  if (fs.existsSync(folder)) return;
  makeFolders(dirname(folder), made, io);
  io.mkdir(folder);
  made.push(folder);
}

/** A replaced file keeps its permissions, and its owner when we can set it (running as root). */
function copyModeAndOwner(target: string, temp: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(target);
  } catch {
    return;
  }
  fs.chmodSync(temp, stats.mode & 0o7777);
  if (process.getuid?.() === 0) fs.chownSync(temp, stats.uid, stats.gid);
}

/** Temporary files left by a run that was killed: ours by name, and their process is gone. */
function clearStaleTemporaryFiles(folders: Set<string>): void {
  for (const folder of folders) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      // Clearing runs before this run writes any: one of its own process id is from an earlier, failed attempt.
      const owner = Number(match?.[2]);
      if (match && (owner === process.pid || !processIsAlive(owner))) tryUnlink(join(folder, name), nodeIo);
    }
  }
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkIfPresent(path: string, io: FileIo): void {
  try {
    io.unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function tryUnlink(path: string, io: FileIo): void {
  try {
    io.unlink(path);
  } catch {
    // already gone
  }
}

function tryRmdir(path: string, io: FileIo): void {
  try {
    io.rmdir(path); // fails, and so keeps the folder, when anything is in it
  } catch {
    // not empty, or already gone: either way it stays the user's
  }
}

const FILE_SYSTEM_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'a folder stands where a file should be',
  ENOTDIR: 'a file stands where a folder should be',
};

function explain(error: unknown, path: string, outcome: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !(code in FILE_SYSTEM_PROBLEMS)) return error;
  return new AiPackError(
    `${FILE_SYSTEM_PROBLEMS[code]} (${code}) while writing ${path}; ${outcome}. Fix that and run again.`,
  );
}
