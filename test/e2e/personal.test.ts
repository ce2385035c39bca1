import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lchownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, readTree, snapshot, tempFolder } from '../helpers/repo.js';

/**
 * A personal install (`--scope user`) works in the home folder, which people set up in their own ways: a
 * `~/.claude` that is a link into a dotfiles repository is theirs, not a trap; messages name `~/` paths.
 */

/** A home folder and, beside it, a dotfiles repository holding the real `.claude` folder. */
function dotfilesHome(): { home: string; dotfiles: string; top: string } {
  const top = tempFolder('ai-pack-home-');
  const home = join(top, 'home');
  const dotfiles = join(top, 'dotfiles');
  mkdirSync(home);
  mkdirSync(join(dotfiles, 'claude'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dotfiles });
  writeFileSync(join(dotfiles, 'claude/settings.json'), '{\n  "model": "opus"\n}\n');
  symlinkSync(join(dotfiles, 'claude'), join(home, '.claude'));
  return { home, dotfiles, top };
}

const PERSONAL_FILES = Object.keys(readTree(packRoot)).filter((path) => path !== '.claude/settings.json');

describe('--scope user with ~/.claude a link into a dotfiles repository', () => {
  it('installs through the link into the dotfiles folder; status and uninstall follow; the link stays', async () => {
    const { home, dotfiles, top } = dotfilesHome();
    const before = snapshot(top);
    const env = { HOME: home };
    const install = await runInProcess(home, ['--yes', '--scope', 'user'], { env });
    expect(install.status, install.output).toBe(0);
    for (const path of PERSONAL_FILES)
      expect(readFileSync(join(dotfiles, 'claude', path.slice('.claude/'.length)), 'utf8'), path).toBe(
        readFileSync(join(packRoot, path), 'utf8'),
      );
    expect(snapshot(home)).toStrictEqual({ '.claude': `<link to ${join(dotfiles, 'claude')}>` });

    const status = await runInProcess(home, ['status', '--scope', 'user', '--json'], { env });
    expect(status.status, status.output).toBe(0);
    expect(JSON.parse(status.stdout).files.unchanged).toHaveLength(PERSONAL_FILES.length);

    const uninstall = await runInProcess(home, ['uninstall', '--scope', 'user', '--yes'], { env });
    expect(uninstall.status, uninstall.output).toBe(0);
    expect(snapshot(top)).toStrictEqual(before);
  });

  it("a link someone else made (another user's) is still refused, and so is one into a .git folder", async () => {
    const owner = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    const cases: [string, (home: string, dotfiles: string) => void, RegExp][] = [
      [
        'into .git',
        (home, dotfiles) => {
          mkdirSync(join(dotfiles, '.git/claude'));
          execFileSync('ln', ['-sfn', join(dotfiles, '.git/claude'), join(home, '.claude')]);
        },
        /~\/\.claude is a link into \.git/,
      ],
    ];
    if (process.getuid?.() === 0 && owner.status === 0)
      cases.push([
        "owned by another user (nobody), to a folder of this user's",
        (home) => lchownSync(join(home, '.claude'), Number(owner.stdout), Number(owner.stdout)),
        /~\/\.claude is a link to .*dotfiles\/claude, outside the repository/,
      ]);
    else console.warn('skipped the case of a link of another user: not running as root');
    for (const [name, arrange, mention] of cases) {
      const { home, dotfiles, top } = dotfilesHome();
      arrange(home, dotfiles);
      const before = snapshot(top);
      const run = await runInProcess(home, ['--yes', '--scope', 'user'], { env: { HOME: home } });
      expect(run.status, `${name}: ${run.output}`).toBe(1);
      expect(run.stderr, name).toMatch(mention);
      expect(hasStackTrace(run.output)).toBe(false);
      expect(snapshot(top), name).toStrictEqual(before);
    }
  });
});

describe('--scope user: messages name the files as ~/…', () => {
  it('a broken ~/.claude/settings.json, with --user-settings, and for uninstall', async () => {
    const { home, dotfiles, top } = dotfilesHome();
    const env = { HOME: home };
    expect((await runInProcess(home, ['--yes', '--scope', 'user', '--user-settings'], { env })).status).toBe(0);
    writeFileSync(join(dotfiles, 'claude/settings.json'), '{\n  "model": "opus",\n}\n');
    const before = snapshot(top);
    for (const args of [
      ['--yes', '--user-settings'],
      ['uninstall', '--yes'],
    ]) {
      const run = await runInProcess(home, [...args, '--scope', 'user'], { env });
      expect(run.status, run.output).toBe(1);
      expect(run.stderr).toMatch(
        /^generator-ai-pack: ~\/\.claude\/settings\.json:2:18: not valid JSON \(trailing comma/m,
      );
    }
    expect(snapshot(top)).toStrictEqual(before);
  });

  it('a FIFO at ~/.claude/generator-ai-pack.json (the record) and a broken one', async () => {
    const { home, dotfiles } = dotfilesHome();
    execFileSync('mkfifo', [join(dotfiles, 'claude/generator-ai-pack.json')]);
    const fifo = await runInProcess(home, ['status', '--scope', 'user'], { env: { HOME: home } });
    expect(fifo.stderr).toMatch(/~\/\.claude\/generator-ai-pack\.json is a FIFO/);
    execFileSync('rm', [join(dotfiles, 'claude/generator-ai-pack.json')]);
    writeFileSync(join(dotfiles, 'claude/generator-ai-pack.json'), '[]\n');
    const broken = await runInProcess(home, ['status', '--scope', 'user'], { env: { HOME: home } });
    expect(broken.stderr).toMatch(/~\/\.claude\/generator-ai-pack\.json:1:1: the top level must be a JSON object/);
  });

  it("HOME='' stops with a message about HOME, not about a folder named ''", async () => {
    const cwd = tempFolder('ai-pack-cwd-');
    for (const args of [['--yes'], ['status'], ['uninstall', '--yes']]) {
      const run = await runInProcess(cwd, [...args, '--scope', 'user'], { env: { HOME: '' } });
      expect(run.status, run.output).toBe(1);
      expect(run.stderr).toMatch(/--scope user installs into your home folder, but HOME is empty\. Set HOME/);
      expect(hasStackTrace(run.output)).toBe(false);
    }
    expect(snapshot(cwd)).toStrictEqual({});
  });
});

describe('a run killed while writing leaves temporary files: the next run clears them', () => {
  it('in the backup folders too, with the folders the killed run made for them', async () => {
    const top = tempFolder('ai-pack-killed-');
    const repo = join(top, 'repo');
    mkdirSync(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo });
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    const dead = spawnSync('true').pid!;
    const killed = '.claude/ai-pack-backup/2026-01-01T00-00-00-000Z';
    const leftOver = [
      `${killed}/.claude/skills/tester/.SKILL.md.ai-pack-${dead}-0123abcd.tmp`,
      `${killed}/.claude/.settings.json.ai-pack-${dead}-89abcdef.tmp`,
      `..yo-rc.json.ai-pack-${dead}-fedcba98.tmp`,
    ];
    const kept = '.claude/ai-pack-backup/2025-12-31T00-00-00-000Z/.claude/skills/tester/SKILL.md';
    for (const path of [...leftOver, kept]) {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), 'half-written');
    }
    const run = await runInProcess(repo, ['--yes', '--skills', 'orchestrator,tester']);
    expect(run.status, run.output).toBe(0);
    for (const path of leftOver) expect(existsSync(join(repo, path)), path).toBe(false);
    expect(existsSync(join(repo, killed))).toBe(false);
    expect(readFileSync(join(repo, kept), 'utf8')).toBe('half-written');
  });
});
