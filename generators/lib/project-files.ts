import { posix } from 'node:path';
import { AiPackError } from './errors.js';

/** What detection reads of the repository (the Repository class): paths relative to its root. */
export interface RepositoryFiles {
  /** The file's text, or undefined when there is none; throws for what it refuses to read. */
  read(path: string): string | undefined;
  isFile(path: string): boolean;
  isFolder(path: string): boolean;
  /** The names in a folder (`''`: the root). */
  list(folder: string): string[];
}

/**
 * Read-only access to the repository through its checked reader, relative to the folder the pack goes in:
 * `..` reaches a parent, never above the repository root (the reader refuses it). What the reader refuses
 * (a link out of the repository, a FIFO, a file too large) does not exist here.
 */
export class Project {
  constructor(
    private readonly files: RepositoryFiles,
    /** Relative to the repository root; `''` is the root. */
    readonly folder: string,
  ) {}

  /** The folder and its parents up to the repository root, nearest first, relative to the folder: '', '..'. */
  ancestors(): string[] {
    const depth = this.folder === '' ? 0 : this.folder.split('/').length;
    return Array.from({ length: depth + 1 }, (_, up) => Array(up).fill('..').join('/'));
  }

  isFile(path: string): boolean {
    return refusedAsAbsent(() => this.files.isFile(this.#inRepository(path))) ?? false;
  }

  isDirectory(path: string): boolean {
    return refusedAsAbsent(() => this.files.isFolder(this.#inRepository(path))) ?? false;
  }

  /** The file's text; undefined when it is missing or the reader refuses it. */
  read(path: string): string | undefined {
    return refusedAsAbsent(() => this.files.read(this.#inRepository(path)))?.replace(/^\uFEFF/, '');
  }

  /** Names of the regular files in `dir` (relative to the folder) that match `pattern`, sorted. */
  fileNames(pattern: RegExp, dir = ''): string[] {
    const names = refusedAsAbsent(() => this.files.list(this.#inRepository(dir))) ?? [];
    return names.filter((name) => pattern.test(name) && this.isFile(posix.join(dir, name))).sort();
  }

  /** A path relative to the folder as the reader takes it: relative to the repository root ('' for the root). */
  #inRepository(path: string): string {
    const joined = posix.join(this.folder, path);
    return joined === '.' ? '' : joined;
  }
}

/** The reader's answer, or undefined when it refuses the path (detection only advises: absent, not an error). */
function refusedAsAbsent<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof AiPackError || typeof (error as NodeJS.ErrnoException)?.code === 'string') return undefined;
    throw error;
  }
}
