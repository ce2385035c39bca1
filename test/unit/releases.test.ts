import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { packageRoot, packageVersion } from '../../generators/io/paths.js';
import {
  everShippedPaths,
  everShippedSettings,
  packFiles,
  packSettingsTemplate,
  readReleases,
  releasedContent,
  releaseFile,
  writeRelease,
} from '../../generators/io/releases.js';
import { contentHash } from '../../generators/lib/eol.js';

const ROLES = ['orchestrator', 'engineer', 'tester', 'reviewer', 'coordinator'];
const FILES_OF_0_1_0 = [
  '.claude/agents/engineer.md',
  '.claude/agents/reviewer.md',
  '.claude/agents/tester.md',
  '.claude/skills/coordinator/SKILL.md',
  '.claude/skills/engineer/SKILL.md',
  '.claude/skills/orchestrator/SKILL.md',
  '.claude/skills/orchestrator/references/decision-tree.md',
  '.claude/skills/reviewer/SKILL.md',
  '.claude/skills/tester/SKILL.md',
];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ai-pack-releases-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the shipped releases', () => {
  it('the snapshot of the package version, once written, is exactly templates/pack', () => {
    const file = releaseFile(packageVersion);
    if (!existsSync(file)) return; // not released yet: `npm version` writes it
    const release = readReleases().find((candidate) => candidate.version === packageVersion)!;
    expect(
      release.files,
      `templates/pack differs from ${file}. A released version's files never change (they are the merge base of ` +
        'later updates): bump the version (`npm version minor`), which snapshots the pack as the new version.',
    ).toStrictEqual(packFiles());
    expect(release.settings, `the settings template differs from the one ${file} released`).toStrictEqual(
      packSettingsTemplate(),
    );
  });

  it('every release holds the settings it merged: 0.1.0 its Edit, Write, git and legacy command rules', () => {
    const settingsOf = (version: string) => readReleases().find((release) => release.version === version)!.settings;
    expect(settingsOf('0.1.0')).toStrictEqual({
      $schema: 'https://json.schemastore.org/claude-code-settings.json',
      permissions: {
        allow: [
          'Edit',
          'Write',
          'Bash(npm test)',
          'Bash(npm test:*)',
          'Bash(npm run build)',
          'Bash(npm run build:*)',
          'Bash(git status)',
          'Bash(git diff:*)',
          'Bash(git log:*)',
          'Bash(git show:*)',
        ],
        deny: ['Read(./.env)', 'Read(./.env.*)', 'Read(./**/*.pem)', 'Read(./**/*.key)', 'Read(./**/id_rsa*)'],
      },
    });
    expect(settingsOf('0.2.0')).toStrictEqual({
      $schema: 'https://json.schemastore.org/claude-code-settings.json',
      permissions: {
        allow: ['Bash(npm test *)', 'Bash(npm run build *)'],
        deny: [
          'Read(./**/.env)',
          'Read(./**/.env.*)',
          'Read(./**/*.pem)',
          'Read(./**/*.key)',
          'Read(./**/id_rsa*)',
          'Read(./**/id_ed25519*)',
        ],
      },
    });
    expect(everShippedSettings()).toStrictEqual([
      settingsOf('0.1.0'),
      settingsOf('0.2.0'),
      settingsOf('0.3.0'),
      packSettingsTemplate(),
    ]);
  });

  it('0.1.0 holds the files it copied into a repository, and not the merged settings.json', () => {
    const release = readReleases().find((candidate) => candidate.version === '0.1.0')!;
    expect(Object.keys(release.files)).toStrictEqual(FILES_OF_0_1_0);
    for (const role of ROLES) expect(release.files[`.claude/skills/${role}/SKILL.md`]).toMatch(/^---\nname: /);
  });

  it('finds a released file by the hash of its content, also of a CRLF checkout, whatever the version', () => {
    const release = readReleases().find((candidate) => candidate.version === '0.1.0')!;
    const path = '.claude/skills/orchestrator/SKILL.md';
    const content = release.files[path]!;
    expect(releasedContent(path, contentHash(content))).toBe(content);
    expect(releasedContent(path, contentHash(content.replaceAll('\n', '\r\n')))).toBe(content);
    expect(releasedContent(path, contentHash(`${content}edited\n`))).toBeUndefined();
    expect(releasedContent('.claude/skills/other/SKILL.md', contentHash(content))).toBeUndefined();
  });

  it("finds the current pack's files too, before they are released", () => {
    for (const [path, content] of Object.entries(packFiles()))
      expect(releasedContent(path, contentHash(content))).toBe(content);
  });

  it('lists every path a version copies, and nothing else', () => {
    const paths = everShippedPaths();
    for (const path of [...FILES_OF_0_1_0, ...Object.keys(packFiles())]) expect(paths.has(path), path).toBe(true);
    for (const path of ['.claude/settings.json', '.git/HEAD', '../x', 'CLAUDE.md', '.yo-rc.json'])
      expect(paths.has(path), path).toBe(false);
  });
});

describe('writeRelease and readReleases', () => {
  it('writes every file of a pack folder, sorted, settings.json apart as data, and reads it back', () => {
    const root = tempDir();
    const files = {
      '.claude/skills/b/SKILL.md': 'b\r\n',
      '.claude/agents/a.md': 'a\n',
      '.claude/settings.json': '{ "permissions": { "deny": ["Read(./.env)"] } }\n',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, 'pack', path)), { recursive: true });
      writeFileSync(join(root, 'pack', path), content);
    }
    const file = writeRelease('9.9.9', { dir: join(root, 'releases'), root: join(root, 'pack') });
    expect(file).toBe(join(root, 'releases', '9.9.9.json'));
    const release = {
      version: '9.9.9',
      files: { '.claude/agents/a.md': 'a\n', '.claude/skills/b/SKILL.md': 'b\r\n' },
      settings: { permissions: { deny: ['Read(./.env)'] } },
    };
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(release, null, 2)}\n`);
    expect(readReleases(join(root, 'releases'))).toStrictEqual([release]);
  });

  it('refuses a snapshot whose name and version disagree, whose files are not text, or that has no settings', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '1.0.0.json'), JSON.stringify({ version: '1.0.1', files: {}, settings: {} }));
    expect(() => readReleases(dir)).toThrow(/1\.0\.0\.json is not a release snapshot of version 1\.0\.0/);
    writeFileSync(join(dir, '1.0.0.json'), JSON.stringify({ version: '1.0.0', files: { a: 1 }, settings: {} }));
    expect(() => readReleases(dir)).toThrow(/not a release snapshot/);
    writeFileSync(join(dir, '1.0.0.json'), JSON.stringify({ version: '1.0.0', files: {} }));
    expect(() => readReleases(dir)).toThrow(/not a release snapshot/);
  });
});

describe("npm version's script (scripts/version.ts)", () => {
  it('stamps the skills and writes the release snapshot, in a copy of the package: the same bytes for this version', () => {
    const copy = tempDir();
    for (const part of ['package.json', 'scripts', 'generators', 'templates', 'evals'])
      cpSync(join(packageRoot, part), join(copy, part), { recursive: true });
    symlinkSync(join(packageRoot, 'node_modules'), join(copy, 'node_modules'));
    mkdirSync(join(copy, 'dist'));
    // It bundles io/releases.ts for its one call: a module that bundle cannot load (CommonJS asking for a Node
    // built-in) would stop every `npm version`.
    const output = execFileSync(process.execPath, ['scripts/version.ts'], { cwd: copy, encoding: 'utf8' });
    expect(output).toContain(
      `stamped the pack with ${packageVersion}; wrote ${releaseFile(packageVersion, join(copy, 'templates/releases'))}`,
    );
    const same = (path: string) =>
      expect(readFileSync(join(copy, path), 'utf8'), path).toBe(readFileSync(join(packageRoot, path), 'utf8'));
    same(`templates/releases/${packageVersion}.json`);
    for (const role of ROLES) same(`templates/pack/.claude/skills/${role}/SKILL.md`);
  });
});
