import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import helpers from 'yeoman-test';
import { packageRoot, packRoot } from '../../generators/io/paths.js';
import { contentHash } from '../../generators/lib/eol.js';
import { makeRepo, readTree, writeManifestOf } from '../helpers/repo.js';

/** The built generator, as yo and the launcher load it. */
const app = join(packageRoot, 'dist/generators/app/index.js');
const ESC = '\u001b';
const REWRITE = `${ESC}[1A${ESC}[2K`;
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

interface Asked {
  name: string;
  message?: unknown;
  default?: unknown;
}

/** What the prompts showed, question by question, answering each with `answer(name, times asked)`. */
function recordingPrompts(asked: Asked[], answer: (name: string, times: number) => unknown = () => undefined) {
  return {
    callback: (mocked: unknown, { question }: { question: Asked }) => {
      asked.push({ name: question.name, message: String(question.message), default: question.default });
      return answer(question.name, asked.filter((seen) => seen.name === question.name).length) ?? mocked;
    },
  };
}

/** Everything the generator writes to stdout during the test. */
function capturedStdout(): () => string {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  onTestFinished(() => write.mockRestore());
  return () => out;
}

describe('prompts show the repository’s names escaped', () => {
  it('the detected reason does not name a committed App\\e[1A\\e[2K.csproj, and no question holds a raw control character', async () => {
    const asked: Asked[] = [];
    const repo = makeRepo({ [`App${REWRITE}.csproj`]: '<Project Sdk="Microsoft.NET.Sdk"></Project>\n' });
    capturedStdout();
    await helpers.run(app).cd(repo).withAnswers({}, recordingPrompts(asked));
    const test = asked.find((question) => question.name === 'testCommand')!;
    expect(test.message).toBe(
      'Test command background agents may run without asking (empty for none): [detected from the .NET project file here]',
    );
    expect(test.default).toBe('dotnet test');
    for (const { message } of asked) expect(RAW_CONTROL.test(String(message)), String(message)).toBe(false);
  });

  it('the diff of a file the user edited with escape sequences: escaped, line for line', async () => {
    const SKILL = '.claude/skills/orchestrator/SKILL.md';
    const stdout = capturedStdout();
    const first = await helpers
      .run(app)
      .cd(makeRepo())
      .withOptions({ yes: true } as never);
    const edited = `${readFileSync(join(packRoot, SKILL), 'utf8')}${REWRITE}\rhidden\n`;
    writeFileSync(join(first.cwd, SKILL), edited);
    // Installed from an older pack the package has no copy of: no merge base, so the new version is offered.
    writeManifestOf(first.cwd, (record) => {
      record.files[SKILL] = contentHash('what an older pack wrote\n');
    });
    const asked: Asked[] = [];
    const installed = stdout().length;
    await helpers
      .run(app, undefined, { force: false } as never)
      .cd(first.cwd)
      .withOptions({ force: false } as never)
      .withAnswers(
        {},
        recordingPrompts(asked, (name, times) => (name === 'choice' ? (times === 1 ? 'diff' : 'keep') : undefined)),
      );
    expect(asked.filter((question) => question.name === 'choice')).toHaveLength(2);
    const shown = stdout().slice(installed);
    expect(RAW_CONTROL.exec(shown)?.[0], shown).toBeUndefined();
    expect(shown).toContain('\n-\\u001b[1A\\u001b[2K\\rhidden\n');
    expect(readTree(first.cwd)[SKILL]).toBe(edited);
  });
});
