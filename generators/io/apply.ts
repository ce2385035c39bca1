import * as fs from 'node:fs';
import { join } from 'node:path';
import { encodeText } from '../lib/bytes.js';
import { AiPackError } from '../lib/errors.js';
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
 * The file operations the apply step uses, on paths inside checked folders (`Folder.at`); tests pass a
 * version that fails or stops at a chosen step.
 */
export interface FileIo {
  /** Creates the file (never through a link, never over an existing one) with this content. */
  writeFile(path: string, content: Uint8Array, like?: FileMode): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  mkdir(path: string): void;
  rmdir(path: string): void;
}

const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

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
  checkWritable(repo, places);
  clearLeftOverTemporaries(repo, [...new Set(places.map((place) => place.folder))]);

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
      io.writeFile(temp, encodeText(change.content), modeOf(join(place.folder.at, place.name)));
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
function checkWritable(repo: Repository, places: Place[]): void {
  const blocked = new Set<string>();
  for (const { folder } of places) {
    try {
      fs.accessSync(folder.at, fs.constants.W_OK);
    } catch {
      blocked.add(repo.shownFolder(folder));
    }
  }
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

/** A replaced file keeps its permissions, and its owner when we can set it (running as root). */
function modeOf(path: string): FileMode | undefined {
  try {
    const stats = fs.lstatSync(path);
    return stats.isFile() ? { mode: stats.mode, uid: stats.uid, gid: stats.gid } : undefined;
  } catch {
    return undefined;
  }
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
function clearLeftOverTemporaries(repo: Repository, folders: Folder[]): void {
  for (const folder of folders) clearFolder(folder);
  const backups = placeOfFolder(repo, BACKUP_ROOT);
  if (!backups) return;
  const emptied = repo.inFolder(backups.folder, backups.name, (folder) => clearBackups(repo, folder, 0));
  if (emptied) tryRmdir(join(backups.folder.at, backups.name), nodeIo);
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
function clearFolder(folder: Folder): boolean {
  let found = false;
  for (const name of fs.readdirSync(folder.at)) {
    if (!isLeftOverTemporary(name)) continue;
    tryUnlink(join(folder.at, name), nodeIo);
    found = true;
  }
  return found;
}

/** Backups mirror the pack's paths, a few folders deep: deeper folders are not the pack's and are not searched. */
const MAX_BACKUP_DEPTH = 16;

/** Clears the folders below a backup folder; one that held a temporary file and is empty now was the killed run's and goes. */
function clearBackups(repo: Repository, folder: Folder, depth: number): boolean {
  let emptied = clearFolder(folder);
  if (depth >= MAX_BACKUP_DEPTH) return emptied;
  for (const entry of fs.readdirSync(folder.at, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (repo.inFolder(folder, entry.name, (child) => clearBackups(repo, child, depth + 1))) {
      tryRmdir(join(folder.at, entry.name), nodeIo);
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

const FILE_SYSTEM_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'a folder stands where a file should be',
  EEXIST: 'a file appeared where the generator writes',
  ELOOP: 'a link appeared where the generator writes',
  ENOTDIR: 'a file stands where a folder should be',
};

function explain(error: unknown, path: string, outcome: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !(code in FILE_SYSTEM_PROBLEMS)) return error;
  return new AiPackError(
    `${FILE_SYSTEM_PROBLEMS[code]} (${code}) while writing ${path}; ${outcome}. Fix that and run again.`,
  );
}
