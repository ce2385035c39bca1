import { readFileSync, statSync } from 'node:fs';

/** What tells a run's process apart from a later one given the same id: checked through /proc where there is one. */

/** True while a process with this id exists (of any user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the id, it names
 * one process, even after the id is reused. Undefined where the system has no /proc or the process is gone.
 */
export function startTimeOf(pid: number | 'self'): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[22 - 3];
  return start && /^\d+$/.test(start) ? start : undefined;
}

/** The user a process runs as, from /proc; undefined where that cannot be told. */
export function userOfProcess(pid: number): number | undefined {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
}
