/**
 * An error the user can act on: the message says what is wrong, where, and what to do.
 * The launcher prints only the message (no stack trace) and exits with code 1.
 */
export class AiPackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AiPackError';
  }
}

/** File-system errors a person can fix, by code, in words: the apply step and the launcher both name them. */
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

/** What a file-system error means in words (`no space left on the device`), when a person can fix it; else undefined. */
export function fileSystemProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code && Object.hasOwn(FILE_SYSTEM_PROBLEMS, code) ? FILE_SYSTEM_PROBLEMS[code] : undefined;
}
