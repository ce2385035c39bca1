import { spawn } from 'node:child_process';
import { launcher, node } from './repo.js';

export interface Exchange {
  /** Wait until the screen so far matches this... */
  waitFor: RegExp;
  /** ...then type this (`\r` is Enter). */
  send: string;
}

// Colours and cursor movement, so tests match the words a person sees.
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs the launcher in a real pseudo-terminal (util-linux `script`), as a person at a keyboard
 * would: each answer is typed only once its prompt is on screen. Resolves when the process exits.
 */
export function runInTerminal(
  cwd: string,
  args: string[],
  exchanges: Exchange[],
  timeoutMs = 30_000,
): Promise<{ status: number | null; screen: string }> {
  const command = [node, launcher, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
  let screen = '';
  let consumed = 0;
  const pending = [...exchanges];
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8').replace(ESCAPES, '');
    // Match each prompt only in what appeared after the previous answer.
    const next = pending[0];
    if (next?.waitFor.test(screen.slice(consumed))) {
      pending.shift();
      consumed = screen.length;
      child.stdin.write(next.send);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, screen });
    });
  });
}
