import { closeSync, constants, fstatSync, mkdirSync, openSync, realpathSync, type Stats, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The generator's own folder for this user, where Node's compile cache and the repository locks live: never
 * a place another user can write (the shared temporary folder is one), since whatever is there is run or
 * trusted. `$XDG_CACHE_HOME/generator-ai-pack`, else `~/.cache/generator-ai-pack`; created with mode 0700
 * and used only while it is a real folder (not a link), owned by this user, that no one else may write.
 * Where the system has `/proc/self/fd`, the folder is then named through its open handle, so renaming or
 * swapping it after the check changes nothing.
 */
export interface UserFolder {
  /** The path to work with: `/proc/self/fd/<n>` where that exists, else the folder's real path. */
  path: string;
  /** The folder's real path, for messages. */
  shown: string;
  close(): void;
}

const NAME = 'generator-ai-pack';

/** The user's folder, or why there is none (a sentence naming the folder and what to do). */
export function openUserFolder(env: NodeJS.ProcessEnv = process.env): UserFolder | { problem: string } {
  const base = cacheHome(env);
  if (!base)
    return {
      problem:
        'there is no home folder to keep its lock in (HOME is not set). Set HOME, or XDG_CACHE_HOME, to a folder of yours',
    };
  const folder = join(base, NAME);
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      return { problem: `cannot make its folder ${folder} (${(error as Error).message}). ${ADVICE}` };
  }
  let fd: number;
  try {
    fd = openSync(folder, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ELOOP' ? 'is a link' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be opened (${code})`;
    return { problem: `its folder ${folder} ${what}. ${ADVICE}` };
  }
  const stats = fstatSync(fd);
  const problem = unsafeBecause(stats);
  if (problem) {
    closeSync(fd);
    return { problem: `its folder ${folder} ${problem}. ${ADVICE}` };
  }
  const byHandle = `/proc/self/fd/${fd}`;
  const shown = realpathSync(folder);
  if (sameFile(byHandle, stats)) return { path: byHandle, shown, close: () => closeSync(fd) };
  closeSync(fd);
  return { path: shown, shown, close: () => {} };
}

const ADVICE =
  'It must be a folder of yours that no one else may write: remove it (it is made again), or set XDG_CACHE_HOME to a folder of yours';

/** Where the user's caches go: XDG_CACHE_HOME, else ~/.cache, with HOME from the environment or, failing that, the user database. */
function cacheHome(env: NodeJS.ProcessEnv): string | undefined {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return env.XDG_CACHE_HOME;
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : homeOfUser();
  return home ? join(home, '.cache') : undefined;
}

function homeOfUser(): string | undefined {
  try {
    const { homedir } = userInfo();
    return isAbsolute(homedir) ? homedir : undefined;
  } catch {
    return undefined; // no entry for this user in the user database (some containers)
  }
}

/** Why a folder cannot be trusted with what the generator runs and locks, or undefined when it can. */
function unsafeBecause(stats: Stats): string | undefined {
  if (!stats.isDirectory()) return 'is not a folder';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `belongs to user ${stats.uid}, not to you (user ${uid})`;
  if ((stats.mode & 0o022) !== 0)
    return `may be written by others (mode ${(stats.mode & 0o777).toString(8).padStart(3, '0')})`;
  return undefined;
}

/** True when `path` names the very file `stats` describes. */
function sameFile(path: string, stats: Stats): boolean {
  try {
    const found = statSync(path);
    return found.dev === stats.dev && found.ino === stats.ino;
  } catch {
    return false;
  }
}
