import * as fs from 'node:fs';
import { join } from 'node:path';
import { encodeText } from '../lib/bytes.js';
import { AiPackError, fileSystemProblem } from '../lib/errors.js';
import { BACKUP_ROOT, type Change } from '../lib/plan.js';
import type { Folder, Place, Repository } from './repository.js';
import { isLeftOverTemporary, temporaryName } from './temporary.js';

/** A replaced file's permissions and owner, which its new content keeps. */
interface FileMode {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Every file operation the apply step uses, on paths inside checked folders (`Folder.at`); tests pass a
 * version that fails or stops at a chosen step.
 */
export interface FileIo {
  /** Creates the file (never through a link, never over an existing one) with this content. */
  writeFile(path: string, content: Uint8Array, like?: FileMode): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  mkdir(path: string): void;
  rmdir(path: string): void;
  /** Whether this process may add and remove entries in the folder. */
  canWrite(folder: string): boolean;
  /** A regular file's permissions and owner (not a link's); undefined when there is no regular file there. */
  modeOf(path: string): FileMode | undefined;
  /** The entries of a folder, folders told apart. */
  list(folder: string): { name: string; isFolder: boolean }[];
}

const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/** The file operations on the file system itself: the default, and what tests wrap. @internal */
export const nodeIo: FileIo = {
  writeFile: (path, content, like) => {
    const fd = fs.openSync(path, CREATE, 0o666);
    try {
      fs.writeFileSync(fd, content);
      if (like) fs.fchmodSync(fd, like.mode & 0o7777);
      if (like && process.getuid?.() === 0) fs.fchownSync(fd, like.uid, like.gid);
    } finally {
      fs.closeSync(fd);
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (path) => fs.unlinkSync(path),
  mkdir: (path) => fs.mkdirSync(path),
  rmdir: (path) => fs.rmdirSync(path),
  canWrite: (folder) => {
    try {
      fs.accessSync(folder, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  modeOf: (path) => {
    try {
      const stats = fs.lstatSync(path);
      return stats.isFile() ? { mode: stats.mode, uid: stats.uid, gid: stats.gid } : undefined;
    } catch {
      return undefined;
    }
  },
  list: (folder) =>
    fs
      .readdirSync(folder, { withFileTypes: true })
      .map((entry) => ({ name: entry.name, isFolder: entry.isDirectory() })),
};

interface PreparedWrite {
  place: Place;
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
 * Every operation goes through the handle of a folder checked once (io/repository.ts), and each rename and
 * delete first checks that its target is still the file the plan read: a folder swapped for a link meanwhile
 * cannot redirect a write or a delete out of the repository.
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
  const places = ordered.map((change) => repo.place(change.path, change.kind === 'write'));
  for (const folder of emptiedFolders) repo.place(folder, false);
  checkWritable(repo, places, io);
  clearLeftOverTemporaries(repo, [...new Set(places.map((place) => place.folder))], io);

  const madeFolders: { parent: Folder; name: string }[] = [];
  const prepared = new Map<number, PreparedWrite>();
  let current = '';
  try {
    for (const [index, change] of ordered.entries()) {
      if (change.kind !== 'write') continue;
      current = change.path;
      const place = makeFolders(repo, repo.place(change.path), madeFolders, io);
      const temp = join(place.folder.at, temporaryName(place.name));
      // Registered before the write: a write that fails half-way (full disk) leaves a file to remove.
      prepared.set(index, { place, temp });
      // A replaced file keeps its permissions, and its owner when we can set it (running as root).
      io.writeFile(temp, encodeText(change.content), io.modeOf(join(place.folder.at, place.name)));
    }
  } catch (error) {
    for (const { temp } of prepared.values()) tryUnlink(temp, io);
    for (const { parent, name } of madeFolders.toReversed()) tryRmdir(join(parent.at, name), io);
    throw explain(error, current, 'nothing was changed');
  }

  const carryOut = (index: number, change: Change) => {
    current = change.path;
    if (change.kind === 'delete') return deleteIfPresent(repo, change.path, io);
    const { place, temp } = prepared.get(index)!;
    repo.checkUnchanged(change.path, place);
    io.rename(temp, join(place.folder.at, place.name));
    prepared.delete(index);
    repo.remember(change.path, place);
  };
  try {
    const last = ordered.findIndex((change) => change.stage === 'last');
    for (const [index, change] of ordered.entries()) if (change.stage !== 'last') carryOut(index, change);
    for (const folder of emptiedFolders) removeIfEmpty(repo, folder, io);
    if (last >= 0) carryOut(last, ordered[last]);
    // A record removed last may have sat in a folder the plan emptied (~/.claude of a personal install): it may go now.
    if (ordered[last]?.kind === 'delete') for (const folder of emptiedFolders) removeIfEmpty(repo, folder, io);
  } catch (error) {
    for (const { temp } of prepared.values()) tryUnlink(temp, io);
    throw explain(error, current, 'some files were already changed; run the generator again to finish');
  }
}

/**
 * Every folder a change writes into (or the nearest existing one above it) must be writable: checked before
 * anything is touched, so a read-only sub-folder stops the run with a message instead of half a change.
 */
function checkWritable(repo: Repository, places: Place[], io: FileIo): void {
  const blocked = new Set<string>();
  for (const { folder } of places) if (!io.canWrite(folder.at)) blocked.add(repo.shownFolder(folder));
  if (blocked.size > 0) {
    throw new AiPackError(
      `cannot write to ${[...blocked].sort().join(', ')} in ${repo.root}. Check the permissions (or run in a folder you own); nothing was written.`,
    );
  }
}

/** Makes the folders missing on the way to a place, each opened and checked as it is made; returns the place in the last. */
function makeFolders(repo: Repository, place: Place, made: { parent: Folder; name: string }[], io: FileIo): Place {
  let folder = place.folder;
  for (const name of place.missing) {
    io.mkdir(join(folder.at, name));
    made.push({ parent: folder, name });
    folder = repo.madeFolder(folder, name);
  }
  return { folder, missing: [], name: place.name };
}

/** A delete removes the name itself (a link the user made is unlinked, its target kept), if it is still what the plan read. */
function deleteIfPresent(repo: Repository, path: string, io: FileIo): void {
  const place = repo.place(path, false);
  if (place.missing.length > 0) return;
  repo.checkUnchanged(path, place);
  try {
    io.unlink(join(place.folder.at, place.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  repo.remember(path, place);
}

function removeIfEmpty(repo: Repository, path: string, io: FileIo): void {
  const place = repo.place(path, false);
  if (place.missing.length === 0) tryRmdir(join(place.folder.at, place.name), io);
}

/**
 * Temporary files left by a run that was killed, in the folders this run writes to and in the backup folders
 * (a run killed while backing files up leaves them there, in a folder of its own, which then goes too).
 */
function clearLeftOverTemporaries(repo: Repository, folders: Folder[], io: FileIo): void {
  for (const folder of folders) clearFolder(folder, io);
  const backups = placeOfFolder(repo, BACKUP_ROOT);
  if (!backups) return;
  const emptied = repo.inFolder(backups.folder, backups.name, (folder) => clearBackups(repo, folder, 0, io));
  if (emptied) tryRmdir(join(backups.folder.at, backups.name), io);
}

/** Where a folder is, if it exists as one (a `.claude` that is a file, say, has no backups in it). */
function placeOfFolder(repo: Repository, path: string): Place | undefined {
  try {
    return repo.isFolder(path) ? repo.place(path) : undefined;
  } catch (error) {
    if (error instanceof AiPackError) return undefined;
    throw error;
  }
}

/** Removes the left-over temporary files in a folder; true when it held one. */
function clearFolder(folder: Folder, io: FileIo): boolean {
  let found = false;
  for (const { name } of io.list(folder.at)) {
    if (!isLeftOverTemporary(name)) continue;
    tryUnlink(join(folder.at, name), io);
    found = true;
  }
  return found;
}

/** Backups mirror the pack's paths, a few folders deep: deeper folders are not the pack's and are not searched. */
const MAX_BACKUP_DEPTH = 16;

/** Clears the folders below a backup folder; one that held a temporary file and is empty now was the killed run's and goes. */
function clearBackups(repo: Repository, folder: Folder, depth: number, io: FileIo): boolean {
  let emptied = clearFolder(folder, io);
  if (depth >= MAX_BACKUP_DEPTH) return emptied;
  for (const entry of io.list(folder.at)) {
    if (!entry.isFolder) continue;
    if (repo.inFolder(folder, entry.name, (child) => clearBackups(repo, child, depth + 1, io))) {
      tryRmdir(join(folder.at, entry.name), io);
      emptied = true;
    }
  }
  return emptied;
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

function explain(error: unknown, path: string, outcome: string): unknown {
  const problem = fileSystemProblem(error);
  if (!problem) return error;
  const { code } = error as NodeJS.ErrnoException;
  return new AiPackError(`${problem} (${code}) while writing ${path}; ${outcome}. Fix that and run again.`);
}
