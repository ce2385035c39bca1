import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { ROLES } from '../../generators/lib/catalogue.js';
import { contentHash } from '../../generators/lib/eol.js';
import {
  hasStackTrace,
  makeRepo,
  npmProject,
  packTree,
  readManifestOf,
  readTree,
  runLauncher,
  without,
  writeManifestOf,
} from '../helpers/repo.js';
import { runInTerminal } from '../helpers/terminal.js';

const SKILL = '.claude/skills/tester/SKILL.md';
const ENTER = '\r';
const PROMPTS = [
  /Which role skills/,
  /Which coding clients/,
  /Test command/,
  /Build command/,
  /Add agents/,
  /CLAUDE\.md/,
];

/** An install whose tester skill the user edited, from an older pack: the pack has a new version to offer. */
function editedAfterAnOlderPack(): string {
  const repo = makeRepo();
  expect(runLauncher(repo, ['--yes']).status).toBe(0);
  writeFileSync(join(repo, SKILL), 'my own tester\n');
  writeManifestOf(repo, (record) => {
    record.files[SKILL] = contentHash('what an older pack wrote\n');
  });
  return repo;
}

describe('real process: in a real terminal', () => {
  it('asks each question; Enter at each installs the defaults and saves the answers', async () => {
    const repo = npmProject();
    const { status, screen } = await runInTerminal(
      repo,
      [],
      PROMPTS.map((waitFor) => ({ waitFor, send: ENTER })),
    );
    expect(status, screen).toBe(0);
    expect(without(readTree(repo), '.yo-rc.json')).toStrictEqual(packTree());
    expect(readManifestOf(repo).answers).toMatchObject({ testCommand: 'npm test', agents: true, claudeMd: false });
  });

  it('a typed answer replaces the default', async () => {
    const repo = npmProject();
    const answers = [ENTER, ENTER, `pytest${ENTER}`, ENTER, ENTER, ENTER];
    const { status, screen } = await runInTerminal(
      repo,
      [],
      PROMPTS.map((waitFor, index) => ({ waitFor, send: answers[index] })),
    );
    expect(status, screen).toBe(0);
    const allow = JSON.parse(readFileSync(join(repo, '.claude/settings.json'), 'utf8')).permissions.allow;
    expect(allow).toContain('Bash(pytest *)');
    expect(allow).not.toContain('Bash(npm test *)');
  });

  it('offers the new version of a file the user edited, with a diff; "n" keeps the user\'s bytes, "y" takes the pack\'s', async () => {
    const repo = editedAfterAnOlderPack();
    const overwrite = /Overwrite \.claude\/skills\/tester\/SKILL\.md\?/;

    const declined = await runInTerminal(
      repo,
      [],
      [
        ...PROMPTS.map((waitFor) => ({ waitFor, send: ENTER })),
        { waitFor: overwrite, send: `d${ENTER}` },
        { waitFor: overwrite, send: `n${ENTER}` },
      ],
    );
    expect(declined.status, declined.screen).toBe(0);
    expect(declined.screen).toMatch(/-my own tester/);
    expect(readFileSync(join(repo, SKILL), 'utf8')).toBe('my own tester\n');

    const accepted = await runInTerminal(
      repo,
      [
        '--skills',
        ROLES.join(','),
        '--clients',
        'claude',
        '--test-command',
        'npm test',
        '--build-command',
        'npm run build',
        '--agents',
        '--no-claude-md',
      ],
      [{ waitFor: overwrite, send: `y${ENTER}` }],
    );
    expect(accepted.status, accepted.screen).toBe(0);
    expect(readFileSync(join(repo, SKILL), 'utf8')).toBe(readFileSync(join(packRoot, SKILL), 'utf8'));
  });

  it('a bad command typed at the prompt is asked again, with the reason; a good one is taken', async () => {
    const repo = makeRepo();
    const args = ['--skills', 'tester', '--clients', 'claude', '--no-agents', '--no-claude-md', '--build-command', ''];
    const { status, screen } = await runInTerminal(repo, args, [
      { waitFor: /Test command/, send: `./gradlew test && echo hi${ENTER}` },
      // The answer stays on the line to be edited: Ctrl-U clears it.
      { waitFor: /shell control operator/, send: `\x15./gradlew test${ENTER}` },
    ]);
    expect(status, screen).toBe(0);
    // The prompt library breaks long lines to the terminal's width (a space becomes the line break).
    expect(screen.replace(/[\r\n]/g, '')).toMatch(
      /"\.\/gradlew test && echo hi" has a shell control operator .* or leave it empty ?for ?none\./,
    );
    const allow = JSON.parse(readFileSync(join(repo, '.claude/settings.json'), 'utf8')).permissions.allow;
    expect(allow).toStrictEqual(['Bash(./gradlew test *)']);
    expect(readManifestOf(repo).sources.testCommand).toBe('typed');
  });

  for (const [key, name, code, line] of [
    ['\x03', 'Ctrl-C', 130, 'generator-ai-pack: stopped at a question (Ctrl-C); nothing was written.'],
    [
      '\x04',
      'end of input (Ctrl-D)',
      1,
      'generator-ai-pack: the input ended at a question (Ctrl-D); nothing was written.',
    ],
  ] as const) {
    it(`${name} at a prompt ends quietly: exit ${code}, one line, no trace, nothing written`, async () => {
      const repo = npmProject();
      const before = readTree(repo);
      const { status, screen } = await runInTerminal(
        repo,
        ['--skills', 'tester', '--clients', 'claude'],
        [{ waitFor: /Test command/, send: key }],
      );
      expect(status, screen).toBe(code);
      expect(screen).toContain(line);
      expect(screen.match(/generator-ai-pack:/g), screen).toHaveLength(1);
      expect(screen).not.toMatch(/unsettled top-level await|ExitPromptError|Warning/);
      expect(hasStackTrace(screen.replaceAll('\r', '')), screen).toBe(false);
      expect(readTree(repo)).toStrictEqual(before);
    });
  }

  it('Ctrl-C at the question about an edited file ends quietly too (exit 130), the file untouched', async () => {
    const repo = editedAfterAnOlderPack();
    const before = readTree(repo);
    const { status, screen } = await runInTerminal(
      repo,
      [],
      [
        ...PROMPTS.map((waitFor) => ({ waitFor, send: ENTER })),
        { waitFor: /Overwrite \.claude\/skills\/tester\/SKILL\.md\?/, send: '\x03' },
      ],
    );
    expect(status, screen).toBe(130);
    expect(screen).toContain('stopped at a question (Ctrl-C)');
    expect(readTree(repo)).toStrictEqual(before);
  });
});
