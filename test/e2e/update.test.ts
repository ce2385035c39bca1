import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffComm } from 'node-diff3';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageVersion, packRoot } from '../../generators/io/paths.js';
import { DEFAULT_ANSWERS } from '../../generators/lib/catalogue.js';
import { contentHash as hashContent } from '../../generators/lib/eol.js';
import { runInProcess } from '../helpers/in-process.js';
import {
  backups,
  expectRerunChangesNothing,
  makeRepo,
  mtimes,
  npmProject,
  readManifestOf,
  readTree,
  writeFiles,
  writeManifestOf,
} from '../helpers/repo.js';

const SKILL = '.claude/skills/orchestrator/SKILL.md';
const packFile = (path: string) => readFileSync(join(packRoot, path), 'utf8');
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

/** A repository with the pack installed by `--yes` (and a file of the user's in `.claude/`). */
async function installed(files: Record<string, string> = {}): Promise<string> {
  const repo = makeRepo({ '.claude/my-notes.md': 'mine\n', ...files });
  const run = await runInProcess(repo, ['--yes']);
  expect(run.status, run.output).toBe(0);
  return repo;
}

/** Backups this run made: path below the backup folder → content. */
describe('update', () => {
  it('a second run with nothing new changes no file (bytes and mtimes) and says "already up to date"', async () => {
    const repo = await installed();
    await expectRerunChangesNothing(repo);
  });

  it('an unchanged installed file whose template changed is refreshed silently', async () => {
    const repo = await installed();
    // Simulate an install by an older pack: disk == recorded, but != today's template.
    const older = `${packFile(SKILL)}\nA line an older pack shipped.\n`;
    writeFileSync(join(repo, SKILL), older);
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = hashContent(older);
    });

    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, SKILL)).toBe(packFile(SKILL));
    expect(readManifestOf(repo).files[SKILL]).toBe(hashContent(packFile(SKILL)));
    expect(run.output).toMatch(new RegExp(`^\\s+updated\\s+${SKILL.replace(/\./g, '\\.')}`, 'm'));
    expect(existsSync(join(repo, `${SKILL}.ai-pack-new`))).toBe(false);
    expect(Object.keys(backups(repo))).toStrictEqual([]);
  });

  it('a user-edited SKILL.md is kept with --yes; the new version is written beside it and the summary says so', async () => {
    const repo = await installed();
    const edited = `${packFile(SKILL)}\nMy own rule: always ask me first.\n`;
    writeFileSync(join(repo, SKILL), edited);
    // Make the pack's version differ from what was recorded, as after a pack upgrade.
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = hashContent('what an older pack wrote\n');
    });

    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, SKILL)).toBe(edited);
    expect(read(repo, `${SKILL}.ai-pack-new`)).toBe(packFile(SKILL));
    expect(run.output).toMatch(
      new RegExp(`kept\\s+${SKILL.replace(/\./g, '\\.')}.*${SKILL.replace(/\./g, '\\.')}\\.ai-pack-new`),
    );
  });

  it('a run after keeping an edited file rewrites nothing (the .ai-pack-new file keeps its mtime)', async () => {
    const repo = await installed();
    writeFileSync(join(repo, SKILL), 'my own orchestrator\n');
    // Installed from an older pack: this version has something new to put beside the user's file.
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = hashContent('what an older pack wrote\n');
    });
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    expect(read(repo, `${SKILL}.ai-pack-new`)).toBe(packFile(SKILL));
    await expectRerunChangesNothing(repo);
  });

  it("once the user takes the pack's version, the .ai-pack-new copy beside it is removed", async () => {
    const repo = await installed();
    writeFileSync(join(repo, SKILL), 'my own orchestrator\n');
    // Installed from an older pack: this version has something new to put beside the user's file.
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = hashContent('what an older pack wrote\n');
    });
    expect((await runInProcess(repo, ['--yes'])).status).toBe(0);
    writeFileSync(join(repo, SKILL), read(repo, `${SKILL}.ai-pack-new`));
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(join(repo, `${SKILL}.ai-pack-new`))).toBe(false);
    expect(run.output).toMatch(/removed\s+\.claude\/skills\/orchestrator\/SKILL\.md\.ai-pack-new/);
    expect(read(repo, SKILL)).toBe(packFile(SKILL));
  });

  it("--no-claude-md after --claude-md takes the section out again, keeping the user's lines", async () => {
    const repo = await installed({ 'CLAUDE.md': '# Our repo\n\nBuild with make.\n' });
    expect((await runInProcess(repo, ['--yes', '--claude-md'])).status).toBe(0);
    expect(read(repo, 'CLAUDE.md')).toMatch(/generator-ai-pack:start/);
    const run = await runInProcess(repo, ['--yes', '--no-claude-md']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, 'CLAUDE.md')).toBe('# Our repo\n\nBuild with make.\n');
    expect(readManifestOf(repo).answers.claudeMd).toBe(false);
  });

  it("running the generator over a hand copy adopts the files still exactly the pack's and keeps the edited one", async () => {
    const repo = makeRepo();
    cpSync(packRoot, repo, { recursive: true });
    writeFileSync(join(repo, SKILL), 'my own orchestrator\n');
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, SKILL)).toBe('my own orchestrator\n');
    expect(read(repo, `${SKILL}.ai-pack-new`)).toBe(packFile(SKILL));
    const recorded = Object.keys(readManifestOf(repo).files);
    expect(recorded).toContain('.claude/skills/tester/SKILL.md');
    expect(recorded).not.toContain(SKILL);
  });

  it("--force replaces a user-edited SKILL.md and keeps a backup with the user's bytes", async () => {
    const repo = await installed();
    const edited = `${packFile(SKILL)}\nMy own rule.\n`;
    writeFileSync(join(repo, SKILL), edited);
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = hashContent('what an older pack wrote\n');
    });

    const run = await runInProcess(repo, ['--yes', '--force']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, SKILL)).toBe(packFile(SKILL));
    expect(backups(repo)).toStrictEqual({ [SKILL]: edited });
    expect(existsSync(join(repo, `${SKILL}.ai-pack-new`))).toBe(false);
    expect(run.output).toMatch(/replaced\s+.*ai-pack-backup/);
  });

  it('a backup folder tells git to ignore it: git status shows no backup, and the summary names it', async () => {
    const repo = await installed();
    writeFileSync(join(repo, SKILL), `${packFile(SKILL)}\nMy own rule.\n`);
    writeManifestOf(repo, (manifest) => {
      manifest.files[SKILL] = hashContent('what an older pack wrote\n');
    });
    const run = await runInProcess(repo, ['--yes', '--force']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, '.claude/ai-pack-backup/.gitignore')).toBe('*\n');
    expect(run.output).toMatch(
      /added\s+\.claude\/ai-pack-backup\/\.gitignore \(git ignores the backups in \.claude\/ai-pack-backup\/\)/,
    );
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(status).toContain('.claude/skills/orchestrator/SKILL.md');
    expect(status).not.toContain('ai-pack-backup');
    expect(Object.keys(backups(repo))).toStrictEqual([SKILL]);
  });

  it('a file the pack no longer ships (a role deselected) is removed when unchanged, with the folders the pack made for it', async () => {
    const repo = await installed();
    const run = await runInProcess(repo, ['--yes', '--skills', 'orchestrator,engineer,tester,coordinator']);
    expect(run.status, run.output).toBe(0);
    expect(existsSync(join(repo, '.claude/skills/reviewer'))).toBe(false);
    expect(existsSync(join(repo, '.claude/agents/reviewer.md'))).toBe(false);
    expect(readManifestOf(repo).files['.claude/skills/reviewer/SKILL.md']).toBeUndefined();
    expect(run.output).toMatch(/removed\s+\.claude\/skills\/reviewer\/SKILL\.md \(no longer part of the pack\)/);
  });

  it('a file the pack no longer ships is kept when the user edited it', async () => {
    const repo = await installed();
    const reviewer = '.claude/skills/reviewer/SKILL.md';
    writeFiles(repo, { [reviewer]: `${read(repo, reviewer)}My edit.\n` });
    const edited = read(repo, reviewer);

    const run = await runInProcess(repo, ['--yes', '--skills', 'orchestrator,engineer,tester,coordinator']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, reviewer)).toBe(edited);
    expect(run.output).toMatch(/kept\s+\.claude\/skills\/reviewer\/SKILL\.md/);
  });

  it('--dry-run writes nothing (trees and mtimes equal) on an update with changes to make', async () => {
    const repo = await installed();
    const old = '.claude/skills/old/SKILL.md';
    writeFiles(repo, {
      [old]: 'old\n',
      [SKILL]: 'edited\n',
      '.claude/agents/tester.md': `${packFile('.claude/agents/tester.md')}x\n`,
    });
    writeManifestOf(repo, (manifest) => {
      manifest.files[old] = hashContent('old\n');
      manifest.files['.claude/agents/tester.md'] = hashContent(`${packFile('.claude/agents/tester.md')}x\n`);
    });
    const tree = readTree(repo);
    const times = mtimes(repo);

    const run = await runInProcess(repo, [
      '--yes',
      '--dry-run',
      '--skills',
      'orchestrator,tester',
      '--test-command',
      'pytest',
    ]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/dry run/i);
    expect(readTree(repo)).toStrictEqual(tree);
    expect(mtimes(repo)).toStrictEqual(times);
  });

  it('--dry-run on a fresh repo writes nothing', async () => {
    const repo = makeRepo({ 'README.md': 'hi\n' });
    const tree = readTree(repo);
    const times = mtimes(repo);
    const run = await runInProcess(repo, ['--yes', '--dry-run']);
    expect(run.status, run.output).toBe(0);
    expect(readTree(repo)).toStrictEqual(tree);
    expect(mtimes(repo)).toStrictEqual(times);
  });

  it("the user's own files in .claude/ are never touched, even by --force and a change of roles", async () => {
    const mine = {
      '.claude/my-notes.md': 'mine\n',
      '.claude/skills/mine/SKILL.md': '---\nname: mine\ndescription: my skill\n---\nMine.\n',
      '.claude/agents/helper.md': '---\nname: helper\n---\nI help.\n',
      '.claude/commands/ship.md': 'Ship it.\n',
    };
    const repo = await installed(mine);
    const mineTimes = () => Object.fromEntries(Object.entries(mtimes(repo)).filter(([path]) => path in mine));
    const before = mineTimes();

    for (const args of [['--yes'], ['--yes', '--force'], ['--yes', '--skills', 'tester', '--no-agents']]) {
      const run = await runInProcess(repo, args);
      expect(run.status, run.output).toBe(0);
    }
    for (const [path, content] of Object.entries(mine)) expect(read(repo, path)).toBe(content);
    expect(mineTimes()).toStrictEqual(before);
    // The change of roles removed the pack's files it no longer selects, and only those.
    expect(existsSync(join(repo, SKILL))).toBe(false);
    expect(existsSync(join(repo, '.claude/agents/tester.md'))).toBe(false);
    expect(read(repo, '.claude/skills/tester/SKILL.md')).toBe(packFile('.claude/skills/tester/SKILL.md'));
  });
});

describe("an update from an earlier release merges the user's edits", () => {
  const release = (version: string): Record<string, string> =>
    JSON.parse(readFileSync(join(packageRoot, 'templates/releases', `${version}.json`), 'utf8')).files;
  const TREE = '.claude/skills/orchestrator/references/decision-tree.md';
  const TESTER = '.claude/skills/tester/SKILL.md';

  /** A repository as 0.1.0's `--yes` left it: its files, and an install record naming them. */
  function installedFrom010(): string {
    const files = release('0.1.0');
    const repo = npmProject(files);
    const record = {
      version: '0.1.0',
      answers: { ...DEFAULT_ANSWERS },
      files: Object.fromEntries(Object.entries(files).map(([path, text]) => [path, hashContent(text)])),
      settings: [],
    };
    writeFileSync(join(repo, '.yo-rc.json'), `${JSON.stringify({ 'generator-ai-pack': record }, null, 2)}\n`);
    return repo;
  }

  /** The middle line of the longest run of lines that both releases share: an edit there touches nothing the pack changed. */
  function stableLine(before: string, after: string): string {
    const runs = diffComm(before.split('\n'), after.split('\n')).flatMap((part) =>
      'common' in part && part.common ? [part.common] : [],
    );
    const longest = runs.reduce((best, run) => (run.length > best.length ? run : best));
    expect(longest.length).toBeGreaterThanOrEqual(5);
    return longest[Math.floor(longest.length / 2)]!;
  }

  it('a clean merge is written after a backup; a conflicting edit is kept with the new version beside it', async () => {
    const repo = installedFrom010();
    const [old, now] = [release('0.1.0'), release(packageVersion)];
    const line = stableLine(old[TREE]!, now[TREE]!);
    writeFileSync(join(repo, TREE), old[TREE]!.replace(line, `${line} (our team's note)`));
    const conflicting = old[TESTER]!.replace(/^description: .*$/m, 'description: our own tester, for our own rules.');
    writeFileSync(join(repo, TESTER), conflicting);

    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    expect(read(repo, TREE)).toBe(now[TREE]!.replace(line, `${line} (our team's note)`));
    expect(run.stdout).toMatch(
      /merged\s+\.claude\/skills\/orchestrator\/references\/decision-tree\.md \(your edits and the pack's new version/,
    );
    expect(Object.values(backups(repo))).toContain(old[TREE]!.replace(line, `${line} (our team's note)`));
    expect(read(repo, TESTER)).toBe(conflicting);
    expect(read(repo, `${TESTER}.ai-pack-new`)).toBe(now[TESTER]);
    expect(run.stdout).toMatch(
      /kept\s+\.claude\/skills\/tester\/SKILL\.md \(you edited it\); the pack's version is beside it/,
    );
    // Every other file was unedited: simply refreshed.
    expect(read(repo, '.claude/agents/tester.md')).toBe(now['.claude/agents/tester.md']);
  });
});
