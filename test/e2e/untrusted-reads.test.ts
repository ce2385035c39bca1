import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import {
  asNobody,
  hasStackTrace,
  launcher,
  type RunResult,
  runLauncher,
  runLauncherAsync,
  snapshot,
  tempFolder,
} from '../helpers/repo.js';

/**
 * What the repository holds is untrusted, whoever reads it: the pack's own code or Yeoman's. Deep nesting,
 * a FIFO, a link to a device, a huge file and a path longer than the system allows each get a clear message
 * (or are not read at all), in bounded time, with no stack trace, and nothing written.
 */

function workspace(): { repo: string; top: string } {
  const top = tempFolder('ai-pack-reads-');
  const repo = join(top, 'repo');
  mkdirSync(repo);
  execFileSync('git', ['init', '-q'], { cwd: repo });
  writeFileSync(join(top, 'beside.txt'), 'outside\n');
  return { repo, top };
}

const nested = (depth: number) => `{\n  "a": ${'['.repeat(depth)}${']'.repeat(depth)}\n}\n`;

function expectClearRefusal(run: RunResult, mention: RegExp): void {
  expect(run.status, run.output).toBe(1);
  expect(run.stderr).toMatch(mention);
  expect(hasStackTrace(run.output), run.output).toBe(false);
}

describe('JSON nested deeper than any real settings file: a clear error with file and line, before parsing', () => {
  for (const depth of [3_000, 200_000]) {
    it(`settings.json nested ${depth.toLocaleString('en')} levels deep`, async () => {
      const { repo, top } = workspace();
      mkdirSync(join(repo, '.claude'));
      writeFileSync(join(repo, '.claude/settings.json'), nested(depth));
      const before = snapshot(top);
      const started = performance.now();
      const run = await runInProcess(repo, ['--yes']);
      expectClearRefusal(run, /\.claude\/settings\.json:2:\d+: .*nested more than 100 levels deep/);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(snapshot(top)).toStrictEqual(before);
    });

    it(`.yo-rc.json nested ${depth.toLocaleString('en')} levels deep, for status and uninstall too`, async () => {
      const { repo, top } = workspace();
      writeFileSync(join(repo, '.yo-rc.json'), nested(depth));
      const before = snapshot(top);
      for (const args of [['--yes'], ['status'], ['uninstall']]) {
        const run = await runInProcess(repo, args);
        expectClearRefusal(run, /\.yo-rc\.json:2:\d+: .*nested more than 100 levels deep/);
      }
      expect(snapshot(top)).toStrictEqual(before);
    });
  }
});

describe('real process: a working folder deeper than PATH_MAX', () => {
  it('each sub-command says so in one line and exits 1', () => {
    const { top } = workspace();
    // Built with relative steps (each mkdir and chdir is short); the whole path is over 4,096 bytes. The
    // launcher inherits the working folder: a path that long cannot be handed to it.
    const script = `
      const { mkdirSync } = require('node:fs');
      const { spawnSync } = require('node:child_process');
      process.chdir(process.env.TOP);
      for (let i = 0; i < 25; i++) { mkdirSync('d'.repeat(200)); process.chdir('d'.repeat(200)); }
      let codes = '', all = '';
      for (const args of [['--yes'], ['status'], ['uninstall', '--yes'], ['plugin']]) {
        const run = spawnSync(process.execPath, [process.env.LAUNCHER, ...args], { encoding: 'utf8', input: '' });
        codes += run.status + ' ' + args.join(' ') + '\\n';
        all += run.stdout + run.stderr;
      }
      process.stdout.write(JSON.stringify({ codes, all }));`;
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, TOP: top, LAUNCHER: launcher },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const { codes, all: output } = JSON.parse(run.stdout);
    expect(codes).toBe('1 --yes\n1 status\n1 uninstall --yes\n1 plugin\n');
    expect(hasStackTrace(output), output).toBe(false);
    expect(output.trim().split('\n')).toStrictEqual(
      Array(4).fill(
        'generator-ai-pack: the current folder is nested too deep for this system (its path is longer than PATH_MAX). Run from a folder with a shorter path; nothing was written.',
      ),
    );
  });
});

// Yeoman reads ./package.json (for the app's name) and .yo-rc.json with blocking reads of its own: a FIFO
// there would hang the run forever, so real processes with a timeout.
describe.concurrent("real process: ./package.json that is not a plain file is never read, by the pack or by Yeoman's code", () => {
  const cases: [string, (repo: string) => void][] = [
    ['a FIFO', (repo) => execFileSync('mkfifo', [join(repo, 'package.json')])],
    ['a link to /dev/zero', (repo) => symlinkSync('/dev/zero', join(repo, 'package.json'))],
    // Sparse: 600 MiB of NUL bytes at no cost in disk space, more than a JavaScript string can hold.
    [
      'a 600 MiB file',
      (repo) => {
        writeFileSync(join(repo, 'package.json'), '');
        truncateSync(join(repo, 'package.json'), 600 * 2 ** 20);
      },
    ],
  ];
  const subCommands: [string[], number][] = [
    [['--yes'], 0],
    [['status'], 0],
    [['uninstall', '--yes'], 0],
    [['plugin', 'marketplace'], 0],
  ];
  for (const [name, arrange] of cases) {
    it(`${name}: install, status, uninstall and plugin finish in bounded time with their usual exit code`, async () => {
      const { repo, top } = workspace();
      arrange(repo);
      mkdirSync(join(repo, 'marketplace'));
      for (const [args, code] of subCommands) {
        const run = await runLauncherAsync(repo, args, { timeoutMs: 20_000 });
        expect(run.status, `${args.join(' ')}: ${run.output}`).toBe(code);
        expect(hasStackTrace(run.output), run.output).toBe(false);
        expect(run.ms).toBeLessThan(20_000);
      }
      expect(readFileSync(join(top, 'beside.txt'), 'utf8')).toBe('outside\n');
    });
  }
});

describe.concurrent('real process: a .gitignore that is a FIFO (git, asked whether it ignores .claude/, reads it itself)', () => {
  for (const where of ['.gitignore', '.claude/.gitignore']) {
    it(`${where}: the install finishes in bounded time`, async () => {
      const { repo } = workspace();
      mkdirSync(join(repo, '.claude'));
      execFileSync('mkfifo', [join(repo, where)]);
      const run = await runLauncherAsync(repo, ['--yes'], { timeoutMs: 20_000 });
      expect(run.status, run.output).toBe(0);
      expect(hasStackTrace(run.output)).toBe(false);
      expect(run.ms).toBeLessThan(20_000);
    });
  }
});

// Root reads everything: a folder or file the user may not read needs a run as another user.
const nobody = asNobody();
describe.skipIf(!nobody)('real process: a folder or file the user may not read (run as nobody)', () => {
  const cases: [string, (repo: string) => void, string[], RegExp][] = [
    [
      '.claude',
      (repo) => mkdirSync(join(repo, '.claude'), { mode: 0 }),
      ['--yes'],
      /^generator-ai-pack: \.claude cannot be read/,
    ],
    [
      'CLAUDE.md',
      (repo) => writeFileSync(join(repo, 'CLAUDE.md'), '# mine\n', { mode: 0 }),
      ['--yes', '--claude-md'],
      /^generator-ai-pack: CLAUDE\.md cannot be read/,
    ],
  ];
  for (const [name, arrange, args, mention] of cases) {
    it(`${name}: named by its path in the repository, exit 1, nothing written`, () => {
      const { repo, top } = workspace();
      execFileSync('chmod', ['-R', 'a+rwX', top]);
      arrange(repo);
      const before = snapshot(top);
      const run = runLauncher(repo, args, { prefix: nobody, env: { HOME: top } });
      expectClearRefusal(run, mention);
      expect(run.stderr).toMatch(/\(permission denied, EACCES\)\. Check its permissions .*nothing was written\.$/m);
      expect(run.stderr).not.toContain('/proc/');
      expect(snapshot(top)).toStrictEqual(before);
    });
  }
});
