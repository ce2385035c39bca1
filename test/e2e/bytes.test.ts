import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, makeRepo } from '../helpers/repo.js';

/**
 * Bytes that are not valid UTF-8 (a Latin-1 `Caf\xe9` typed years ago, a stray byte) are the user's: every
 * edit keeps them exactly, in the files the pack edits in place and in the install record's file.
 */
const LATIN1 = Buffer.from('Caf\xe9 cr\xe8me, and a lone \xff byte', 'latin1');

const userFiles: Record<string, Buffer> = {
  'CLAUDE.md': Buffer.concat([Buffer.from('# Notes\n\n'), LATIN1, Buffer.from('\n')]),
  '.claude/settings.json': Buffer.concat([
    Buffer.from('{\n  "env": { "GREETING": "'),
    LATIN1,
    Buffer.from('" },\n  "permissions": { "allow": ["Bash(make lint)"] }\n}\n'),
  ]),
  // On one line, as a tool might write it: the record goes in after it and comes out leaving it as it was.
  '.yo-rc.json': Buffer.concat([Buffer.from('{"generator-other":{"label":"'), LATIN1, Buffer.from('"}}\n')]),
};

function repoWith(files: Record<string, Buffer>): string {
  const repo = makeRepo();
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), bytes);
  }
  return repo;
}

describe('bytes that are not UTF-8 are kept exactly', () => {
  it("in CLAUDE.md, settings.json and another generator's .yo-rc.json entry: kept by install, given back by uninstall", async () => {
    const repo = repoWith(userFiles);
    const install = await runInProcess(repo, ['--yes', '--claude-md', '--test-command', 'make test']);
    expect(install.status, install.output).toBe(0);
    expect(hasStackTrace(install.output)).toBe(false);
    const bytesOf = (path: string) => readFileSync(join(repo, path));
    // Each file now holds the pack's additions, and the user's bytes exactly where they were.
    expect(bytesOf('CLAUDE.md').subarray(0, userFiles['CLAUDE.md'].length)).toStrictEqual(userFiles['CLAUDE.md']);
    expect(bytesOf('CLAUDE.md').includes(Buffer.from('\uFFFD'))).toBe(false);
    const yoRc = userFiles['.yo-rc.json'];
    expect(bytesOf('.yo-rc.json').subarray(0, yoRc.length - 2)).toStrictEqual(yoRc.subarray(0, -2));
    for (const path of ['.claude/settings.json', '.yo-rc.json']) {
      expect(bytesOf(path).includes(LATIN1), path).toBe(true);
      expect(bytesOf(path).includes(Buffer.from('\uFFFD')), path).toBe(false);
    }
    expect(JSON.parse(bytesOf('.claude/settings.json').toString('utf8')).permissions.allow).toContain(
      'Bash(make test *)',
    );

    const uninstall = await runInProcess(repo, ['uninstall']);
    expect(uninstall.status, uninstall.output).toBe(0);
    for (const [path, bytes] of Object.entries(userFiles)) expect(bytesOf(path), path).toStrictEqual(bytes);
  });
});
