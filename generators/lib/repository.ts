import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { AiPackError } from './errors.js';

/**
 * The repository the generator works in, treated as untrusted input: every path the generator reads,
 * writes or deletes goes through `resolve()`, which refuses anything that is not a plain relative path
 * inside the repository, anything inside `.git`, and any link that leads outside (realpath of the deepest
 * existing part). Links that stay inside (`CLAUDE.md -> AGENTS.md`) are followed.
 */
export class Repository {
  /** The repository folder with every link resolved. */
  readonly realRoot: string;

  constructor(readonly root: string) {
    const stats = statOrUndefined(root);
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
  }

  /**
   * The real absolute path behind a repository-relative path, after checking it: relative, normalised,
   * outside `.git`, every existing part a folder (but the last), and no link on the way leading out of
   * the repository. The path need not exist; a dangling link is refused (writing through it would create
   * its target, wherever that is).
   */
  resolve(path: string): string {
    checkPathShape(path);
    let real = this.realRoot;
    const parts = path.split('/');
    for (const [index, part] of parts.entries()) {
      const shown = parts.slice(0, index + 1).join('/');
      const next = join(real, part);
      const stats = lstatOrUndefined(next);
      if (!stats) return join(next, ...parts.slice(index + 1));
      real = stats.isSymbolicLink() ? this.#followLink(next, shown) : next;
      if (index < parts.length - 1 && !statSync(real).isDirectory()) {
        throw new AiPackError(
          `${shown} is a file, but the pack needs a folder there (for ${path}). Move it aside and run again; nothing was written.`,
        );
      }
    }
    return real;
  }

  #followLink(link: string, shown: string): string {
    let target: string;
    try {
      target = realpathSync(link);
    } catch {
      throw new AiPackError(
        `${shown} is a link that leads nowhere. Remove it (or point it at a file inside the repository) and run again; nothing was written.`,
      );
    }
    const inside = relative(this.realRoot, target);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      throw new AiPackError(
        `${shown} is a link to ${target}, outside the repository. The generator writes only inside ${this.root}: ` +
          'replace the link with a real file or folder (or remove it) and run again; nothing was written.',
      );
    }
    if (segmentsOf(inside).some(isGitSegment)) {
      throw new AiPackError(
        `${shown} is a link into .git, which belongs to git. Remove the link and run again; nothing was written.`,
      );
    }
    return target;
  }

  /** The file's text, or undefined when there is none. Never blocks: a FIFO, device or folder is an error. */
  read(path: string): string | undefined {
    const real = this.resolve(path);
    const stats = statOrUndefined(real);
    if (!stats) return undefined;
    if (!stats.isFile()) throw notAFile(path, stats);
    // O_NONBLOCK: a FIFO swapped in after the check must not hang the run.
    const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const opened = fstatSync(fd);
      if (!opened.isFile()) throw notAFile(path, opened);
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  }

  /** True when the path is an existing folder (after the same checks as `resolve`). */
  isFolder(path: string): boolean {
    return statOrUndefined(this.resolve(path))?.isDirectory() ?? false;
  }

  /** True when the path is an existing regular file (after the same checks as `resolve`). */
  isFile(path: string): boolean {
    return statOrUndefined(this.resolve(path))?.isFile() ?? false;
  }

  /** The names in a folder (`''`: the root), sorted; none when there is no such folder. */
  list(folder: string): string[] {
    const real = folder === '' ? this.realRoot : this.resolve(folder);
    try {
      return readdirSync(real).sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** The git work tree holding this folder (the nearest folder above with a `.git`), else the folder itself. */
  gitRoot(): string {
    for (let dir = this.realRoot; ; dir = dirname(dir)) {
      if (lstatOrUndefined(join(dir, '.git'))) return dir;
      if (dirname(dir) === dir) return this.realRoot;
    }
  }

  /** The repository-relative form of a path under the root, with forward slashes. */
  relativePath(absolute: string): string {
    return relative(this.realRoot, absolute).split(sep).join('/');
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

function notAFile(path: string, stats: Stats): AiPackError {
  const kind = stats.isDirectory()
    ? 'a folder'
    : stats.isFIFO()
      ? 'a FIFO (named pipe)'
      : stats.isSocket()
        ? 'a socket'
        : 'a device or other special file';
  return new AiPackError(`${path} is ${kind}, not a regular file. Move it aside and run again; nothing was written.`);
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
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
