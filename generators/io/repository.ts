import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { decodeText } from '../lib/bytes.js';
import { AiPackError } from '../lib/errors.js';

/**
 * Files the pack reads are a few KiB; anything this large is not one of them (and would not fit in memory as text).
 * @internal (exported for its tests too)
 */
export const MAX_READ_BYTES = 4 * 2 ** 20;

const OPEN_FOLDER = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const OPEN_FILE = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/**
 * A folder opened once and checked: every later read, write, rename and delete in it goes through its handle,
 * so a folder swapped for a link after the check (a race between plan and apply) cannot redirect them.
 */
export interface Folder {
  /** Names an entry of the folder when joined with its name: `/proc/self/fd/<n>` on Linux, else `real`. */
  readonly at: string;
  /** Its real path when it was opened, for messages and for telling inside from outside. */
  readonly real: string;
  readonly fd: number;
  /** Unique within the run (a handle's number is reused once closed). */
  readonly id: number;
}

/** Where a path ends up: the deepest existing folder on the way, the folders still to make below it, and the name. */
export interface Place {
  folder: Folder;
  missing: string[];
  name: string;
}

/** What identifies a file between the plan that read it and the change that replaces or removes it. */
type Identity = { dev: number; ino: number } | null;

export interface RepositoryOptions {
  /**
   * A personal install in the home folder: paths are shown as `~/…`, and a link the user owns to a folder or
   * file the user owns (`~/.claude` into a dotfiles repository) may lead out of the home folder.
   */
  personal?: boolean;
  /** Name folders by their real path even where `/proc/self/fd` exists (tests of systems without it). */
  withoutHandles?: boolean;
}

/**
 * The repository the generator works in, treated as untrusted input. Every path is checked: a plain
 * relative path, outside `.git`, every existing part a folder (but the last), and no link on the way leading
 * out of the repository (links that stay inside, `CLAUDE.md -> AGENTS.md`, are followed). Each folder is
 * opened once, without following links, from its parent's handle; reads never block and are capped; the
 * file a plan read is checked to be the same file before it is replaced or removed.
 */
export class Repository {
  /** The repository folder with every link resolved. */
  readonly realRoot: string;
  readonly #options: RepositoryOptions;
  readonly #root: Folder;
  readonly #byHandle: boolean;
  /** Opened folders by parent and name: each is checked once per run. */
  readonly #folders = new Map<string, Folder>();
  #lastId = 0;
  #slash: Folder | undefined;
  readonly #seen = new Map<string, Identity>();

  constructor(
    readonly root: string,
    options: RepositoryOptions = {},
  ) {
    this.#options = options;
    const stats = rootStats(root);
    if (!stats)
      throw new AiPackError(
        `the folder ${root} does not exist. Create it first, or name an existing folder; nothing was written.`,
      );
    if (!stats.isDirectory())
      throw new AiPackError(`${root} is not a folder. Name the repository's folder; nothing was written.`);
    this.realRoot = realpathSync(root);
    if (segmentsOf(this.realRoot).some(isGitSegment)) {
      throw new AiPackError(
        `${root} is inside a .git folder, which belongs to git. Run the generator in the repository itself; nothing was written.`,
      );
    }
    const fd = openSync(this.realRoot, OPEN_FOLDER);
    this.#byHandle = !options.withoutHandles && handlesWork(fd);
    this.#root = this.#folder(fd, this.realRoot);
  }

  /** The path as a person finds it: repository-relative, or `~/…` in a personal install. */
  shown(path: string): string {
    return this.#options.personal ? `~/${path}` : path;
  }

  /** The file's text (bytes that are not UTF-8 kept, see lib/bytes.ts), or undefined when there is none. Never blocks. */
  read(path: string): string | undefined {
    const place = this.place(path);
    const entry = join(place.folder.at, place.name);
    const found = place.missing.length > 0 ? undefined : lstatOrUndefined(entry);
    if (!found) {
      this.#seen.set(path, null);
      return undefined;
    }
    // Looked at before it is opened: opening a device can have effects of its own; O_NONBLOCK for a FIFO swapped in since.
    if (!found.isFile()) throw this.#notAFile(path, found);
    const fd = this.#openFile(entry, path);
    if (fd === undefined) {
      this.#seen.set(path, null);
      return undefined;
    }
    try {
      const opened = fstatSync(fd);
      if (!opened.isFile()) throw this.#notAFile(path, opened);
      const bytes = readAtMost(fd, MAX_READ_BYTES + 1);
      if (bytes.length > MAX_READ_BYTES) throw this.#tooLarge(path);
      this.#seen.set(path, { dev: opened.dev, ino: opened.ino });
      return decodeText(bytes);
    } finally {
      closeSync(fd);
    }
  }

  /** The open file, or undefined when it was removed meanwhile; a link put in its place is not followed. */
  #openFile(entry: string, path: string): number | undefined {
    try {
      return openSync(entry, OPEN_FILE);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code === 'ELOOP') throw changedMeanwhile(this.shown(path));
      throw this.#unreadable(error, path);
    }
  }

  /** True when the path is an existing folder (after the same checks as every path). */
  isFolder(path: string): boolean {
    const place = this.place(path);
    if (place.missing.length > 0) return false;
    return this.#child(place.folder, place.name, path, { followLinks: true, fileIsFine: true }) !== undefined;
  }

  /**
   * Where `path` ends up, checked (see the class comment); with `followLast`, a link in its last part is
   * followed (a write goes to the link's target), otherwise the name itself is the place (a delete removes a link, not its target).
   */
  place(path: string, followLast = true): Place {
    checkPathShape(path);
    const parts = path.split('/');
    const name = parts.pop()!;
    let folder = this.#root;
    for (const [index, part] of parts.entries()) {
      const shown = parts.slice(0, index + 1).join('/');
      const next = this.#child(folder, part, shown, { followLinks: true, neededFor: path });
      if (!next) return { folder, missing: parts.slice(index), name };
      folder = next;
    }
    const entry = lstatOrUndefined(join(folder.at, name));
    if (!followLast || !entry?.isSymbolicLink()) return { folder, missing: [], name };
    const target = this.#linkTarget(folder, name, path);
    return { folder: this.#openReal(dirname(target), path), missing: [], name: basename(target) };
  }

  /** A folder just made in `folder` (apply), opened and checked like every other. */
  madeFolder(folder: Folder, name: string): Folder {
    const made = this.#child(folder, name, name, { followLinks: false });
    if (!made) throw changedMeanwhile(this.shownFolder(folder));
    return made;
  }

  /**
   * Runs `use` on the folder `name` in `parent`, opened without following a link and closed afterwards (for
   * walks over many folders); undefined when it is not a folder.
   */
  inFolder<T>(parent: Folder, name: string, use: (folder: Folder) => T): T | undefined {
    let fd: number;
    try {
      fd = openSync(join(parent.at, name), OPEN_FOLDER);
    } catch {
      return undefined;
    }
    try {
      return use(this.#folder(fd, join(parent.real, name)));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Throws unless the entry at `place` is still the file the plan read at `path` (or still absent): checked
   * before each rename and delete, so a file replaced meanwhile, by a person or a swap, is never lost.
   */
  checkUnchanged(path: string, place: Place): void {
    if (!this.#seen.has(path)) return;
    const expected = this.#seen.get(path);
    const now = statOrUndefined(join(place.folder.at, place.name));
    const same = expected === null ? now === undefined : now?.dev === expected?.dev && now?.ino === expected?.ino;
    if (!same)
      throw new AiPackError(
        `${this.shown(path)} changed while the generator was working on it (another program, or a folder swapped meanwhile); ` +
          'it was left as it is. Run the generator again.',
      );
  }

  /** After a change of the run's own: the file at `path` is now what is at `place`. */
  remember(path: string, place: Place): void {
    const now = statOrUndefined(join(place.folder.at, place.name));
    this.#seen.set(path, now ? { dev: now.dev, ino: now.ino } : null);
  }

  /** Where a folder of the repository is, for messages: `.claude/skills`, `~/.claude`, or its real path when outside. */
  shownFolder(folder: Folder): string {
    const inside = relative(this.realRoot, folder.real);
    if (isAbsolute(inside) || inside.startsWith('..')) return folder.real;
    return this.#options.personal ? `~/${inside.split(sep).join('/')}` : inside.split(sep).join('/') || '.';
  }

  /** True when both paths are one existing file (a link inside the repository to the other, `CLAUDE.md -> AGENTS.md`). */
  sameFile(a: string, b: string): boolean {
    const [first, second] = [a, b].map((path) => {
      const place = this.place(path);
      return place.missing.length > 0 ? undefined : statOrUndefined(join(place.folder.at, place.name));
    });
    return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino;
  }

  /** True when the path is an existing regular file (after the same checks as every path). */
  isFile(path: string): boolean {
    const place = this.place(path);
    if (place.missing.length > 0) return false;
    return statOrUndefined(join(place.folder.at, place.name))?.isFile() ?? false;
  }

  /** The names in a folder (`''`: the root), sorted; none when there is no such folder. Read through its handle. */
  list(folder: string): string[] {
    if (folder === '') return readdirSync(this.#root.at).sort();
    const place = this.place(folder);
    if (place.missing.length > 0) return [];
    return this.inFolder(place.folder, place.name, (opened) => readdirSync(opened.at).sort()) ?? [];
  }

  /** The git work tree holding this folder (the nearest folder above with a `.git`), else the folder itself. */
  gitRoot(): string {
    for (let dir = this.realRoot; ; dir = dirname(dir)) {
      if (lstatOrUndefined(join(dir, '.git'))) return dir;
      if (dirname(dir) === dir) return this.realRoot;
    }
  }

  /** Lets go of every folder handle; the repository is not used after this. */
  close(): void {
    for (const [key, folder] of this.#folders) this.#forget(key, folder);
    for (const folder of [this.#root, this.#slash]) if (folder) tryClose(folder.fd);
  }

  /**
   * The folder `name` in `parent`, opened without following a link; undefined when there is none. A link is
   * followed (with `followLinks`) only once its target is checked, and opened by its real path from a checked
   * folder; a file there is an error unless `fileIsFine` (then undefined).
   */
  #child(
    parent: Folder,
    name: string,
    shown: string,
    how: { followLinks: boolean; fileIsFine?: boolean; neededFor?: string },
  ): Folder | undefined {
    const key = `${parent.id}/${name}`;
    const cached = this.#folders.get(key);
    if (cached && fstatSync(cached.fd).nlink > 0) return cached;
    // A folder removed since it was opened (the run's own clean-up, a test) is looked up afresh.
    if (cached) this.#forget(key, cached);
    const entry = join(parent.at, name);
    let folder: Folder;
    try {
      folder = this.#folder(openSync(entry, OPEN_FOLDER), join(parent.real, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code !== 'ENOTDIR' && code !== 'ELOOP') throw this.#unreadable(error, shown);
      const stats = lstatOrUndefined(entry);
      if (stats?.isSymbolicLink() && how.followLinks) {
        const target = this.#linkTarget(parent, name, shown);
        if (!statSync(target).isDirectory()) return this.#fileWhereFolderNeeded(shown, how);
        folder = this.#openReal(target, shown);
      } else if (stats?.isSymbolicLink()) {
        throw changedMeanwhile(this.shown(shown));
      } else {
        return this.#fileWhereFolderNeeded(shown, how);
      }
    }
    this.#folders.set(key, folder);
    return folder;
  }

  #fileWhereFolderNeeded(shown: string, how: { fileIsFine?: boolean; neededFor?: string }): undefined {
    if (how.fileIsFine) return undefined;
    throw new AiPackError(
      `${this.shown(shown)} is a file, but the pack needs a folder there (for ${this.shown(how.neededFor ?? shown)}). Move it aside and run again; nothing was written.`,
    );
  }

  /**
   * The real path a link leads to, once checked: it must exist, stay inside the repository (or, in a personal
   * install, be a link of the user's to something of the user's) and not lead into `.git`.
   */
  #linkTarget(parent: Folder, name: string, shown: string): string {
    const link = join(parent.at, name);
    let target: string;
    try {
      target = realpathSync.native(link);
    } catch {
      throw new AiPackError(
        `${this.shown(shown)} is a link that leads nowhere. Remove it (or point it at a file inside the repository) and run again; nothing was written.`,
      );
    }
    const inside = relative(this.realRoot, target);
    const outside = inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    if (outside && !this.#isUsersOwnLink(link, target)) {
      throw new AiPackError(
        `${this.shown(shown)} is a link to ${target}, outside the repository. The generator writes only inside ${this.root}: ` +
          'replace the link with a real file or folder (or remove it) and run again; nothing was written.',
      );
    }
    if (segmentsOf(outside ? target : inside).some(isGitSegment)) {
      throw new AiPackError(
        `${this.shown(shown)} is a link into .git, which belongs to git. Remove the link and run again; nothing was written.`,
      );
    }
    return target;
  }

  /** In a personal install, a link the user made to something the user owns is the user's set-up (dotfiles), not a trap. */
  #isUsersOwnLink(link: string, target: string): boolean {
    const uid = process.getuid?.();
    return (
      this.#options.personal === true &&
      uid !== undefined &&
      lstatSync(link).uid === uid &&
      statSync(target).uid === uid &&
      target !== dirname(target)
    );
  }

  /**
   * Opens a folder by its real path, one part at a time from the repository's handle (or, for a personal
   * install's own link out of it, from `/`), following no link: a link found now means a swap since the check.
   */
  #openReal(real: string, shown: string): Folder {
    const inside = relative(this.realRoot, real);
    const fromRoot = !(isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`));
    let folder = fromRoot ? this.#root : this.#filesystemRoot();
    for (const part of (fromRoot ? inside : real).split(sep).filter(Boolean)) {
      const next = this.#child(folder, part, shown, { followLinks: false });
      if (!next) throw changedMeanwhile(this.shown(shown));
      folder = next;
    }
    return folder;
  }

  #filesystemRoot(): Folder {
    this.#slash ??= this.#folder(openSync('/', OPEN_FOLDER), '/');
    return this.#slash;
  }

  #folder(fd: number, real: string): Folder {
    return { fd, real, id: ++this.#lastId, at: this.#byHandle ? `/proc/self/fd/${fd}` : real };
  }

  #forget(key: string, folder: Folder): void {
    this.#folders.delete(key);
    tryClose(folder.fd);
  }

  #notAFile(path: string, stats: Stats): AiPackError {
    return new AiPackError(
      `${this.shown(path)} is ${kindOf(stats)}, not a regular file. Move it aside and run again; nothing was written.`,
    );
  }

  /** An error opening an entry, named by its path in the repository rather than by the handle it was opened through. */
  #unreadable(error: unknown, path: string): unknown {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return error;
    return new AiPackError(
      `${this.shown(path)} cannot be read (permission denied, ${code}). Check its permissions (or run as its owner); nothing was written.`,
    );
  }

  #tooLarge(path: string): AiPackError {
    return new AiPackError(
      `${this.shown(path)} is larger than ${MAX_READ_BYTES / 2 ** 20} MiB, far more than any file the pack edits: ` +
        'move it aside (or shorten it) and run again; nothing was written.',
    );
  }
}

/** What kind of file system entry `stats` describes, in words for a message. */
export function kindOf(stats: Stats): string {
  return stats.isSymbolicLink()
    ? 'a link'
    : stats.isDirectory()
      ? 'a folder'
      : stats.isFIFO()
        ? 'a FIFO (named pipe)'
        : stats.isSocket()
          ? 'a socket'
          : stats.isFile()
            ? 'a regular file'
            : 'a device or other special file';
}

/** Reads up to `limit` bytes from the start of an open file, whatever its size claims (it may grow meanwhile). */
function readAtMost(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit - total));
    const read = readSync(fd, chunk, 0, chunk.length, total);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
  }
  return Buffer.concat(chunks);
}

/** True when `/proc/self/fd/<fd>` names the open folder itself (Linux), so handles can name paths. */
function handlesWork(fd: number): boolean {
  try {
    const byHandle = statSync(`/proc/self/fd/${fd}`);
    const opened = fstatSync(fd);
    return byHandle.dev === opened.dev && byHandle.ino === opened.ino;
  } catch {
    return false;
  }
}

function changedMeanwhile(shown: string): AiPackError {
  return new AiPackError(
    `${shown} changed while the generator was working (a link or folder swapped meanwhile); nothing more was written there. Run the generator again.`,
  );
}

/** The root folder's stats, or undefined when it does not exist; a path too long for the system is said so. */
function rootStats(root: string): Stats | undefined {
  try {
    return statOrUndefined(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENAMETOOLONG')
      throw new AiPackError(
        `the path of ${root.slice(0, 80)}… is longer than this system allows (PATH_MAX). Run from a folder with a shorter path; nothing was written.`,
      );
    throw error;
  }
}

/** Throws unless `path` is a plain, normalised, relative path with no `.git` part. */
function checkPathShape(path: string): void {
  const problem =
    path === ''
      ? 'is empty'
      : path.includes('\0')
        ? 'holds a NUL character'
        : isAbsolute(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')
          ? 'is not a relative path with forward slashes'
          : posix.normalize(path) !== path ||
              path.split('/').some((part) => part === '..' || part === '.' || part === '')
            ? 'is not a normalised path inside the repository'
            : path.split('/').some(isGitSegment)
              ? 'is inside .git, which belongs to git'
              : undefined;
  if (problem)
    throw new AiPackError(
      `the path ${JSON.stringify(path)} ${problem}; the generator touches only paths inside the repository. Nothing was written.`,
    );
}

function isGitSegment(part: string): boolean {
  return part.toLowerCase() === '.git';
}

function segmentsOf(path: string): string[] {
  return path.split(/[\\/]/);
}

/** The link itself, not what it points to; undefined when there is nothing at the path. */
function lstatOrUndefined(path: string): Stats | undefined {
  return statsOrUndefined(lstatSync, path);
}

function statOrUndefined(path: string): Stats | undefined {
  return statsOrUndefined(statSync, path);
}

function statsOrUndefined(stat: (path: string) => Stats, path: string): Stats | undefined {
  try {
    return stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function tryClose(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
