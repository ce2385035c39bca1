import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../generators/lib/catalogue.js';
import { contentHash } from '../../generators/lib/eol.js';
import { packRoot } from '../../generators/lib/paths.js';
import {
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
const PROMPTS = [/Which role skills/, /Test command/, /Build command/, /Add agents/, /CLAUDE\.md/];

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
    const answers = [ENTER, `pytest${ENTER}`, ENTER, ENTER, ENTER];
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
    const repo = makeRepo();
    expect(runLauncher(repo, ['--yes']).status).toBe(0);
    writeFileSync(join(repo, SKILL), 'my own tester\n');
    // Installed from an older pack: the pack has a new version to offer.
    writeManifestOf(repo, (record) => {
      record.files[SKILL] = contentHash('what an older pack wrote\n');
    });
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
});
