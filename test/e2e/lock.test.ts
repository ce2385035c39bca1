import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath, lockRepository } from '../../generators/io/lock.js';
import { startTimeOf } from '../../generators/io/processes.js';
import {
  asNobody,
  hasStackTrace,
  launcher,
  node,
  type RunResult,
  runAsync,
  runLauncherAsync,
  snapshot,
  tempFolder,
} from '../helpers/repo.js';

/**
 * The lock that keeps two runs out of one repository lives in the user's own folder, named after the
 * repository's device and inode, and holds its owner's process id and start time. Whatever else is found at
 * its path is never waited on for long, never read beyond a few bytes, and is reported with the path and what
 * to do. Real processes: a run that hung or spun would hang the test process, and two runs at once need two.
 */

function workspace(): { repo: string; top: string } {
  const top = tempFolder('ai-pack-lock-');
  const repo = join(top, 'repo');
  mkdirSync(repo, { mode: 0o777 });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  // Readable and writable by `nobody` too, for the runs as another user.
  execFileSync('chmod', ['-R', 'a+rwX', top]);
  return { repo, top };
}

/** Processes a test started and must stop. */
const started: number[] = [];
afterAll(() => {
  for (const pid of started.splice(0)) spawnSync('kill', ['-9', String(pid)]);
});

/** A process that lives for a minute (as another user, through `prefix`); its id. */
function sleeper(prefix: string[] = []): number {
  const [command, ...args] = [...prefix, 'sleep', '60'];
  const child = spawn(command, args, { stdio: 'ignore' });
  started.push(child.pid!);
  return child.pid!;
}

function expectReported(run: RunResult, lock: string, what: RegExp): void {
  expect(run.status, run.output).toBe(1);
  expect(run.stderr).toContain(`the lock of `);
  expect(run.stderr).toContain(lock);
  expect(run.stderr).toMatch(what);
  expect(run.stderr).toMatch(/remove it \(rm -r .*\) and run again; nothing was written/);
  expect(hasStackTrace(run.output), run.output).toBe(false);
  // The bounded wait (2 s) and no more: never a spin, a hang or a read of gigabytes.
  expect(run.ms).toBeLessThan(20_000);
}

const nobody = asNobody();

// Side by side: most cases wait out the two seconds a run gives the lock before it reports.
describe.concurrent('real process: whatever is at the lock path, the run reports it with the path, in bounded time', () => {
  const cases: [string, (lock: string, top: string) => void, RegExp][] = [
    ['an empty file', (lock) => writeFileSync(lock, ''), /is an empty file/],
    ['a FIFO', (lock) => execFileSync('mkfifo', [lock]), /is a FIFO/],
    ['a folder', (lock) => mkdirSync(lock), /is a folder/],
    [
      'a link to another file',
      (lock, top) => {
        writeFileSync(join(top, 'other'), `${process.pid} ${startTimeOf('self')}\n`);
        symlinkSync(join(top, 'other'), lock);
      },
      /is a link/,
    ],
    ['a link to /dev/zero', (lock) => symlinkSync('/dev/zero', lock), /is a link/],
    [
      'a 1 GiB file',
      (lock) => {
        writeFileSync(lock, '');
        truncateSync(lock, 2 ** 30);
      },
      /is a file of 1073741824 bytes, more than a lock holds/,
    ],
    ['text that is not a lock', (lock) => writeFileSync(lock, 'hello\n'), /is a file that is not such a lock/],
  ];
  if (nobody)
    cases.push([
      "a lock naming a live process of another user (nobody's)",
      (lock) => {
        const pid = sleeper(nobody.slice(0, nobody.indexOf('env')));
        // Its real start time: the lock names exactly that process.
        for (let tries = 0; tries < 100 && startTimeOf(pid) === undefined; tries++) spawnSync('sleep', ['0.01']);
        writeFileSync(lock, `${pid} ${startTimeOf(pid)}\n`);
      },
      /is a lock naming process \d+, which belongs to user \d+, not to you/,
    ]);
  for (const [name, plant, what] of cases) {
    it(name, async () => {
      const { repo, top } = workspace();
      const lock = lockPath(realpathSync(repo));
      plant(lock, top);
      const planted = lstatSync(lock);
      const before = snapshot(top);
      try {
        expectReported(await runLauncherAsync(repo, ['--yes']), lock, what);
        expect(snapshot(top)).toStrictEqual(before);
        // Left for the user to look at and remove: it is not the generator's.
        expect(lstatSync(lock).ino).toBe(planted.ino);
      } finally {
        spawnSync('rm', ['-rf', lock]);
      }
    });
  }

  it.skipIf(!nobody)("a stale lock of root's, met by a run as nobody", async () => {
    const { repo } = workspace();
    // nobody's own folder, made by a run of nobody's; then root plants a lock there, of a dead process.
    expect((await runLauncherAsync(repo, ['status'], { prefix: nobody })).status).toBe(1);
    const { dev, ino } = statSync(repo);
    const lock = join(tmpdir(), 'user-cache-nobody/generator-ai-pack', `repository-${dev}-${ino}.lock`);
    writeFileSync(lock, `${spawnSync('true').pid} 1\n`);
    try {
      expectReported(
        await runLauncherAsync(repo, ['--yes'], { prefix: nobody }),
        lock,
        /is a file of user 0, not yours/,
      );
    } finally {
      spawnSync('rm', ['-f', lock]);
    }
  });
});

describe.concurrent('real process: a lock is taken over only when its run is gone', () => {
  it('a lock naming a live process whose start time differs (its id reused since) is taken over', async () => {
    const { repo } = workspace();
    const lock = lockPath(realpathSync(repo));
    writeFileSync(lock, `${sleeper()} 1\n`);
    const run = await runLauncherAsync(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('holds the owner process id and its start time, in a file only the user may read, in a folder only the user may enter', () => {
    const { repo } = workspace();
    const release = lockRepository(realpathSync(repo));
    const lock = lockPath(realpathSync(repo));
    try {
      expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} ${startTimeOf('self')}\n`);
      expect(statSync(lock).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(lock)).mode & 0o777).toBe(0o700);
      expect(lock.startsWith(join(process.env.XDG_CACHE_HOME!, 'generator-ai-pack/'))).toBe(true);
      expect(readdirSync(dirname(lock)).filter((name) => name.endsWith('.tmp'))).toStrictEqual([]);
    } finally {
      release();
    }
    expect(existsSync(lock)).toBe(false);
  });
});

describe.concurrent('real process: one lock per repository, however it is reached', () => {
  it('a run with another TMPDIR waits for the lock all the same', async () => {
    const { repo, top } = workspace();
    const release = lockRepository(realpathSync(repo));
    const before = snapshot(top);
    try {
      const otherTmp = join(top, 'tmp');
      mkdirSync(otherTmp);
      const other = await runLauncherAsync(repo, ['--yes'], { env: { TMPDIR: otherTmp } });
      expect(other.status, other.output).toBe(1);
      expect(other.stderr).toMatch(/another generator-ai-pack run is working in .* \(process \d+\)/);
      expect(snapshot(top)).toStrictEqual({ ...before, tmp: '<dir>' });
    } finally {
      release();
    }
  });

  const canBindMount =
    spawnSync('unshare', [
      '-m',
      'sh',
      '-c',
      'd=$(mktemp -d) && mount --bind "$d" "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s',
    ]).status === 0;
  it.skipIf(!canBindMount)('a run through a bind mount of the repository meets the same lock', async () => {
    if (!canBindMount) console.warn('skipped: no mount namespace for a bind mount on this machine');
    const { repo, top } = workspace();
    const alias = join(top, 'alias');
    mkdirSync(alias);
    const release = lockRepository(realpathSync(repo));
    try {
      const through = await runAsync(
        'unshare',
        ['-m', 'sh', '-c', 'mount --bind "$REPO" "$ALIAS" && cd "$ALIAS" && exec "$NODE" "$LAUNCHER" --yes'],
        { env: { REPO: repo, ALIAS: alias, NODE: node, LAUNCHER: launcher } },
      );
      expect(through.status, through.output).toBe(1);
      expect(through.stderr).toMatch(/another generator-ai-pack run is working in .*alias \(process \d+\)/);
    } finally {
      release();
    }
    expect(snapshot(repo)).toStrictEqual({});
  });

  it.skipIf(!canBindMount)('a full disk while writing the lock leaves no lock behind, and says so', async () => {
    const { repo, top } = workspace();
    const cache = join(top, 'cache');
    mkdirSync(cache);
    // In a private mount namespace: the user's folder on a tiny tmpfs, full; a run; then the space freed, a run.
    const script = `
      set -u
      export NODE_DISABLE_COMPILE_CACHE=1
      mount -t tmpfs -o size=64k tmpfs "$XDG_CACHE_HOME"
      mkdir -m 700 "$XDG_CACHE_HOME/generator-ai-pack"
      dd if=/dev/zero of="$XDG_CACHE_HOME/filler" bs=4k 2>/dev/null
      cd "$REPO"
      "$NODE" "$LAUNCHER" --yes > "$OUT/full.out" 2>&1; echo $? > "$OUT/full.status"
      ls -A "$XDG_CACHE_HOME/generator-ai-pack" > "$OUT/left"
      rm "$XDG_CACHE_HOME/filler"
      "$NODE" "$LAUNCHER" --yes > "$OUT/free.out" 2>&1; echo $? > "$OUT/free.status"
    `;
    const namespace = await runAsync('unshare', ['-m', 'sh', '-c', script], {
      env: { XDG_CACHE_HOME: cache, REPO: repo, OUT: top, NODE: node, LAUNCHER: launcher },
    });
    expect(namespace.status, namespace.output).toBe(0);
    const out = (name: string) => readFileSync(join(top, name), 'utf8');
    expect(out('full.status').trim(), out('full.out')).toBe('1');
    expect(out('full.out')).toMatch(/cannot write the lock \S+\/repository-\d+-\d+\.lock \(ENOSPC: no space left/);
    expect(hasStackTrace(out('full.out'))).toBe(false);
    expect(out('left')).toBe('');
    expect(out('free.status').trim(), out('free.out')).toBe('0');
  });
});
