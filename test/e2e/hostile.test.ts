import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lockPath, lockRepository } from '../../generators/io/lock.js';
import { contentHash } from '../../generators/lib/eol.js';
import { runInProcess } from '../helpers/in-process.js';
import {
  hasStackTrace,
  launcher,
  node,
  type RunResult,
  readManifestOf,
  runLauncher,
  snapshot,
  tempFolder,
} from '../helpers/repo.js';

/**
 * A repository is untrusted input: links out of it, a committed install record, odd folder names, two runs
 * at once. Each test asserts the exact bytes (and links) of every file inside the repository and beside it.
 */
/** A folder holding the repository and an "outside" folder beside it, both removed after the test. */
function workspace(): { repo: string; outside: string; top: string } {
  const top = tempFolder('ai-pack-hostile-');
  const repo = join(top, 'repo');
  mkdirSync(repo);
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const outside = join(top, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'settings.json'), '{ "permissions": { "allow": ["Read"] } }\n');
  writeFileSync(join(outside, 'precious.md'), 'not yours\n');
  return { repo, outside, top };
}

function expectRefused(run: RunResult, mention: RegExp): void {
  expect(run.status, run.output).toBe(1);
  expect(run.stderr).toMatch(mention);
  expect(run.output).toMatch(/nothing was written/i);
  expect(hasStackTrace(run.output), run.output).toBe(false);
}

const yoRc = (record: object) => `${JSON.stringify({ 'generator-ai-pack': record }, null, 2)}\n`;

describe('links out of the repository', () => {
  const cases: [string, (repo: string, outside: string) => void, string[], RegExp][] = [
    [
      'settings.json linked to a file outside, with a committed .yo-rc.json asking for "*"',
      (repo, outside) => {
        mkdirSync(join(repo, '.claude'));
        symlinkSync(join(outside, 'settings.json'), join(repo, '.claude/settings.json'));
        writeFileSync(
          join(repo, '.yo-rc.json'),
          yoRc({ version: '0.0.1', answers: { testCommand: '*' }, files: {}, settings: [] }),
        );
      },
      ['--yes'],
      /settings\.json|"\*"/,
    ],
    [
      'a skill linked to a file outside, with --force',
      (repo, outside) => {
        mkdirSync(join(repo, '.claude/skills/tester'), { recursive: true });
        symlinkSync(join(outside, 'precious.md'), join(repo, '.claude/skills/tester/SKILL.md'));
      },
      ['--yes', '--force'],
      /\.claude\/skills\/tester\/SKILL\.md is a link to .*outside/,
    ],
    [
      '.claude itself linked to a folder outside',
      (repo, outside) => {
        symlinkSync(outside, join(repo, '.claude'));
      },
      ['--yes'],
      /\.claude is a link to .*outside/,
    ],
    [
      'a dangling link where the pack writes',
      (repo) => {
        mkdirSync(join(repo, '.claude/agents'), { recursive: true });
        symlinkSync('/nonexistent/ai-pack-target', join(repo, '.claude/agents/engineer.md'));
      },
      ['--yes'],
      /engineer\.md is a link that leads nowhere/,
    ],
    [
      'a link into .git',
      (repo) => {
        mkdirSync(join(repo, '.claude'));
        symlinkSync(join(repo, '.git'), join(repo, '.claude/skills'));
      },
      ['--yes'],
      /into \.git/,
    ],
  ];
  for (const [name, arrange, args, mention] of cases) {
    it(`${name}: exit 1, names the link, every byte inside and outside kept`, async () => {
      const { repo, outside, top } = workspace();
      arrange(repo, outside);
      const before = snapshot(top);
      expectRefused(await runInProcess(repo, args), mention);
      expect(snapshot(top)).toStrictEqual(before);
    });
  }

  it('a link that stays inside (CLAUDE.md -> AGENTS.md) is followed: AGENTS.md gets the section, the link stays', async () => {
    const { repo } = workspace();
    writeFileSync(join(repo, 'AGENTS.md'), '# Agents\n');
    symlinkSync('AGENTS.md', join(repo, 'CLAUDE.md'));
    const run = await runInProcess(repo, ['--yes', '--claude-md']);
    expect(run.status, run.output).toBe(0);
    expect(snapshot(repo)['CLAUDE.md']).toBe('<link to AGENTS.md>');
    expect(readFileSync(join(repo, 'AGENTS.md'), 'utf8')).toMatch(/^# Agents\n\n<!-- generator-ai-pack:start -->/);
  });
});

describe('a hostile install record', () => {
  it('paths the pack never ships (.git/HEAD, ../, absolute, through a link) are reported and never touched, by install or uninstall', async () => {
    const { repo, outside, top } = workspace();
    symlinkSync(outside, join(repo, 'linked'));
    const head = readFileSync(join(repo, '.git/HEAD'), 'utf8');
    const hashOf = (path: string) => contentHash(readFileSync(path, 'utf8'));
    writeFileSync(
      join(repo, '.yo-rc.json'),
      yoRc({
        version: '0.1.0',
        answers: {},
        files: {
          '.git/HEAD': contentHash(head),
          '../outside/precious.md': hashOf(join(outside, 'precious.md')),
          [join(outside, 'precious.md')]: hashOf(join(outside, 'precious.md')),
          'linked/precious.md': hashOf(join(outside, 'precious.md')),
        },
        settings: [],
        createdFolders: ['.git', '..', 'linked'],
      }),
    );
    const install = await runInProcess(repo, ['--yes']);
    expect(install.status, install.output).toBe(0);
    expect(install.stderr).toContain('".git/HEAD", which is not a file the pack ever ships');
    const uninstall = await runInProcess(repo, ['uninstall']);
    expect(uninstall.status, uninstall.output).toBe(0);
    expect(readFileSync(join(repo, '.git/HEAD'), 'utf8')).toBe(head);
    expect(snapshot(outside)).toStrictEqual({
      'settings.json': '{ "permissions": { "allow": ["Read"] } }\n',
      'precious.md': 'not yours\n',
    });
    expect(snapshot(top)['repo/linked']).toBe(`<link to ${outside}>`);
  });
});

describe('folder names are paths, not patterns', () => {
  it('in proj[1], --force and uninstall touch proj[1] only, never proj1', async () => {
    const top = tempFolder('ai-pack-glob-');
    const globbed = join(top, 'proj[1]');
    const plain = join(top, 'proj1');
    for (const repo of [globbed, plain]) {
      mkdirSync(repo);
      expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    }
    writeFileSync(join(globbed, '.claude/skills/tester/SKILL.md'), 'edited\n');
    const plainBefore = snapshot(plain);
    expect((await runInProcess(globbed, ['--yes', '--force'])).status).toBe(0);
    const uninstall = await runInProcess(globbed, ['uninstall']);
    expect(uninstall.status, uninstall.output).toBe(0);
    expect(snapshot(plain)).toStrictEqual(plainBefore);
    expect(Object.keys(snapshot(globbed)).filter((path) => !path.startsWith('.claude/ai-pack-backup'))).toStrictEqual([
      '.claude',
    ]);
  });
});

/** Sets up a repository with `arrange`, runs the command, and proves it refused with `mention` and changed no byte. */
async function expectBadInputRefused(
  arrange: (repo: string) => void,
  run: (repo: string) => RunResult | Promise<RunResult>,
  mention: RegExp,
): Promise<void> {
  const { repo, top } = workspace();
  writeFileSync(join(repo, 'README.md'), '# mine\n');
  arrange(repo);
  const before = snapshot(top);
  const result = await run(repo);
  expect(result.status, result.output).toBe(1);
  expect(result.stderr).toMatch(mention);
  expect(hasStackTrace(result.output), result.output).toBe(false);
  expect(snapshot(top)).toStrictEqual(before);
}

describe('bad input: exit 1, a clear message, nothing written', () => {
  const cases: [string, (repo: string) => void, string[], RegExp][] = [
    [
      '.claude is a file',
      (repo) => writeFileSync(join(repo, '.claude'), 'x'),
      ['--yes'],
      /\.claude is a file, but the pack needs a folder/,
    ],
    [
      'an empty .yo-rc.json',
      (repo) => writeFileSync(join(repo, '.yo-rc.json'), ''),
      ['--yes'],
      /\.yo-rc\.json:1:1: not valid JSON/,
    ],
    [
      'a corrupt .yo-rc.json',
      (repo) => writeFileSync(join(repo, '.yo-rc.json'), '{\n  "a": 1,\n}\n'),
      ['--yes'],
      /\.yo-rc\.json:2:9: not valid JSON \(trailing comma/,
    ],
    [
      'a .yo-rc.json record of the wrong shape',
      (repo) => writeFileSync(join(repo, '.yo-rc.json'), '{ "generator-ai-pack": 5 }'),
      ['status'],
      /"generator-ai-pack" entry is not an object/,
    ],
    [
      'a folder where the pack writes a file',
      (repo) => mkdirSync(join(repo, '.claude/skills/tester/SKILL.md'), { recursive: true }),
      ['--yes'],
      /SKILL\.md is a folder, not a regular file/,
    ],
    [
      'a directory argument that does not exist',
      () => {},
      ['--yes', 'no-such-folder'],
      /no-such-folder does not exist/,
    ],
    [
      'a mistyped sub-command',
      () => {},
      ['stauts', '--yes'],
      /unknown command or folder 'stauts'; did you mean status\?/,
    ],
    ['--test-command "*"', () => {}, ['--yes', '--test-command', '*'], /--test-command: "\*" has "\*"/],
    [
      '--test-command with a chained command',
      () => {},
      ['--yes', '--test-command', 'npm test; curl x | sh'],
      /--test-command: .*shell control operator/,
    ],
    [
      '--build-command with a substitution',
      () => {},
      ['--yes', '--build-command', 'npm run build $(id)'],
      /--build-command: .*command substitution/,
    ],
    [
      '--test-command with a line break',
      () => {},
      ['--yes', '--test-command', 'npm test\nrm -rf /'],
      /--test-command: .*line break/,
    ],
    ['a blank --test-command', () => {}, ['--yes', '--test-command', '   '], /--test-command: .*nothing but spaces/],
    [
      'a committed .yo-rc.json whose saved test command is "*"',
      (repo) =>
        writeFileSync(
          join(repo, '.yo-rc.json'),
          yoRc({ version: '0.1.0', answers: { testCommand: '*' }, files: {}, settings: [] }),
        ),
      ['--yes'],
      /\.yo-rc\.json \(generator-ai-pack\.answers\.testCommand\): "\*"/,
    ],
  ];
  for (const [name, arrange, args, mention] of cases) {
    it(name, () => expectBadInputRefused(arrange, (repo) => runInProcess(repo, args), mention));
  }
});

// A read that blocked on a named pipe would hang a test process forever: a real process, with a timeout.
describe('real process: a FIFO where the pack reads is refused, never read (the read would block)', () => {
  const fifo = (path: string) => execFileSync('mkfifo', [path]);
  const cases: [string, (repo: string) => void, RegExp][] = [
    [
      'a FIFO at .claude/settings.json',
      (repo) => {
        mkdirSync(join(repo, '.claude'));
        fifo(join(repo, '.claude/settings.json'));
      },
      /settings\.json is a FIFO/,
    ],
    ['a FIFO at .yo-rc.json', (repo) => fifo(join(repo, '.yo-rc.json')), /\.yo-rc\.json is a FIFO/],
  ];
  for (const [name, arrange, mention] of cases) {
    it(name, () =>
      expectBadInputRefused(arrange, (repo) => runLauncher(repo, ['--yes'], { timeoutMs: 15_000 }), mention),
    );
  }
});

describe('real process: one run at a time', () => {
  it('a run while another holds the lock says so and exits 1; a stale lock from a dead process is taken over', () => {
    const { repo, top } = workspace();
    const release = lockRepository(realpathSync(repo));
    const before = snapshot(top);
    try {
      const blocked = runLauncher(repo, ['--yes']);
      expect(blocked.status, blocked.output).toBe(1);
      expect(blocked.stderr).toMatch(/another generator-ai-pack run is working in .*\(process \d+\)/);
      expect(snapshot(top)).toStrictEqual(before);
    } finally {
      release();
    }
    const dead = spawnSync('true').pid!;
    writeFileSync(lockPath(realpathSync(repo)), `${dead} 12345\n`);
    const run = runLauncher(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(lockPath(realpathSync(repo)))).toBe(false);
  });

  it('a run started while another is inside its run waits for the lock, then gives up writing nothing; the settings and the install record agree', async () => {
    const { repo, top } = workspace();
    writeFileSync(join(repo, '.claude-keep'), '');
    // The first run is held inside its run: the `git check-ignore` an install runs once it holds the lock is
    // a stand-in on its PATH that marks the moment, then waits for the test to let the run go on. It ignores
    // the SIGTERM of the run's 3 s timeout on git, or a busy machine would let the first run finish (and let
    // go of the lock) while the second one is still starting.
    const barrier = join(top, 'barrier');
    mkdirSync(join(barrier, 'bin'), { recursive: true });
    const git = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const standIn = `#!/bin/sh\ntrap '' TERM\n: > "${barrier}/inside"\nwhile [ ! -e "${barrier}/go" ]; do sleep 0.02; done\nexec "${git}" "$@"\n`;
    writeFileSync(join(barrier, 'bin/git'), standIn, { mode: 0o755 });
    const env = { ...process.env, PATH: `${join(barrier, 'bin')}:${process.env.PATH}` };
    const first = spawn(node, [launcher, '--yes', '--test-command', 'make test'], { cwd: repo, env, stdio: 'ignore' });
    const firstStatus = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      await vi.waitFor(() => expect(existsSync(join(barrier, 'inside'))).toBe(true), { timeout: 30_000, interval: 20 });
      const before = snapshot(repo);
      const second = runLauncher(repo, ['--yes', '--test-command', 'cargo test']);
      expect(second.status, second.output).toBe(1);
      expect(second.stderr).toMatch(/another generator-ai-pack run is working in /);
      expect(second.stderr).toContain(`(process ${first.pid})`);
      expect(snapshot(repo)).toStrictEqual(before);
    } finally {
      writeFileSync(join(barrier, 'go'), '');
    }
    expect(await firstStatus).toBe(0);
    expect(readManifestOf(repo).answers.testCommand).toBe('make test');
    // The second run again, the first one done: it takes the first one's rule out and adds its own.
    expect((await runInProcess(repo, ['--yes', '--test-command', 'cargo test'])).status).toBe(0);
    const rules = JSON.parse(readFileSync(join(repo, '.claude/settings.json'), 'utf8')).permissions.allow as string[];
    expect(rules).toStrictEqual(['Bash(cargo test *)']);
    const recorded = JSON.stringify(readManifestOf(repo).settings);
    for (const rule of rules) expect(recorded).toContain(JSON.stringify(rule));
    expect((await runInProcess(repo, ['uninstall'])).status).toBe(0);
    expect(snapshot(repo)).toStrictEqual({ '.claude-keep': '' });
  });
});

/** A tmpfs needs a mount namespace (root, or user namespaces); where the machine allows neither, the test says so and skips. */
const canMountTmpfs =
  spawnSync('unshare', [
    '-m',
    'sh',
    '-c',
    'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s',
  ]).status === 0;

describe('real process: a full disk', () => {
  it.skipIf(!canMountTmpfs)(
    'an update that runs out of space changes no byte, says so, and the next run (with space) finishes',
    async () => {
      if (!canMountTmpfs) console.warn('skipped: no mount namespace for a small tmpfs on this machine');
      const { repo, top } = workspace();
      writeFileSync(join(repo, 'package.json'), '{ "scripts": { "test": "vitest" } }\n');
      expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
      const disk = join(top, 'disk');
      mkdirSync(disk);
      // In a private mount namespace: copy the repository onto a small tmpfs, fill it, update, free it, update again.
      const script = `
      set -u
      mount -t tmpfs -o size=512k tmpfs "$DISK"
      cp -a "$REPO" "$DISK/repo"
      dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null
      (cd "$DISK/repo" && find . -path ./.git -prune -o -type f -print | sort | xargs sha256sum) > "$OUT/before"
      (cd "$DISK/repo" && "$NODE" "$LAUNCHER" --yes --skills orchestrator,tester --test-command "make test" > "$OUT/full.out" 2> "$OUT/full.err"; echo $? > "$OUT/full.status")
      (cd "$DISK/repo" && find . -path ./.git -prune -o -type f -print | sort | xargs sha256sum) > "$OUT/after"
      rm "$DISK/filler"
      (cd "$DISK/repo" && "$NODE" "$LAUNCHER" --yes --skills orchestrator,tester --test-command "make test" > "$OUT/free.out" 2>&1; echo $? > "$OUT/free.status")
      (cd "$DISK/repo" && find . -path ./.git -prune -o -print | sort) > "$OUT/final"
    `;
      const run = spawnSync('unshare', ['-m', 'sh', '-c', script], {
        env: { ...process.env, DISK: disk, REPO: repo, OUT: top, NODE: node, LAUNCHER: launcher },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const out = (name: string) => readFileSync(join(top, name), 'utf8');
      expect(out('full.status').trim(), out('full.err')).toBe('1');
      expect(out('full.err')).toMatch(/no space left on the device \(ENOSPC\) while writing \S+; nothing was changed/);
      expect(hasStackTrace(out('full.err'))).toBe(false);
      expect(out('after')).toBe(out('before'));
      expect(out('free.status').trim(), out('free.out')).toBe('0');
      expect(out('final')).not.toMatch(/\.tmp$|\.ai-pack-new/m);
      expect(out('final')).not.toContain('.claude/skills/reviewer');
    },
  );
});
