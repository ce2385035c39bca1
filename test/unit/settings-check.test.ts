import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRoot } from '../../generators/io/paths.js';
import { settingsProblems, settingsWarnings } from '../../generators/lib/settings-check.js';

const cmd = (command: string) => ({ type: 'command', command });

describe('settingsProblems', () => {
  it('valid settings → no problems (the pack template, and a rich one)', () => {
    expect(settingsProblems(JSON.parse(readFileSync(join(packRoot, '.claude/settings.json'), 'utf8')))).toStrictEqual(
      [],
    );
    expect(
      settingsProblems({
        permissions: {
          allow: ['Edit'],
          deny: [],
          ask: [],
          defaultMode: 'acceptEdits',
          additionalDirectories: ['../x'],
        },
        env: { FOO_1: 'bar', _X: '' },
        hooks: {
          PreToolUse: [{ matcher: 'Bash', hooks: [{ ...cmd('echo hi'), timeout: 5, async: true }] }],
          SessionStart: [{ hooks: [cmd('true')] }],
        },
        model: 'opus',
      }),
    ).toStrictEqual([]);
    expect(settingsProblems({})).toStrictEqual([]);
  });

  it('onSessionStart at the top level', () => {
    expect(settingsProblems({ onSessionStart: [cmd('x')] })).toStrictEqual([
      'onSessionStart: not a settings key (hook events go under "hooks")',
    ]);
  });

  it('description in a hook group', () => {
    const problems = settingsProblems({ hooks: { Stop: [{ description: 'gate', hooks: [cmd('x')] }] } });
    expect(problems).toStrictEqual(['hooks.Stop[0].description: a matcher group allows only "matcher" and "hooks"']);
  });

  it('an event this check does not know is a warning, not a problem (the client adds events); the old session keys are problems', () => {
    expect(settingsProblems({ hooks: { BeforeEverything: [] } })).toStrictEqual([]);
    expect(settingsWarnings({ hooks: { BeforeEverything: [], Stop: [] } })).toStrictEqual([
      'hooks.BeforeEverything: not an event client 2.1.33x knows (a newer client may; check the name)',
    ]);
    expect(settingsProblems({ hooks: { onSessionStart: [] } })).toStrictEqual([
      'hooks.onSessionStart: not a hook event (session hooks are "SessionStart" and "SessionEnd")',
    ]);
    expect(settingsWarnings({ hooks: { onSessionStart: [] } })).toStrictEqual([]);
  });

  it('a bad env name and a non-string env value', () => {
    expect(settingsProblems({ env: { 'my-var': 'x' } })).toStrictEqual([
      'env.my-var: names are upper case letters, digits and _',
    ]);
    expect(settingsProblems({ env: { DEBUG: 1 } })).toStrictEqual(['env.DEBUG: values must be strings']);
    expect(settingsProblems({ env: { '1X': true } })).toHaveLength(2);
  });

  it('rule lists that are not lists of strings', () => {
    expect(settingsProblems({ permissions: { allow: [1] } })).toStrictEqual([
      'permissions.allow: must be a list of strings',
    ]);
    expect(settingsProblems({ permissions: { deny: 'Read(./.env)' } })).toStrictEqual([
      'permissions.deny: must be a list of strings',
    ]);
  });

  it("permissions keys beyond the rule lists are the client's business: newer ones are not reported", () => {
    // Client 2.1.33x accepts many more (and ignores unknown ones); a fixed list would fail valid settings.
    const newer = {
      disableAutoMode: 'disable',
      blockReadsOutsideWorkingDirectories: true,
      denyInsteadOfPrompting: true,
    };
    expect(settingsProblems({ permissions: { allow: ['Edit'], ...newer } })).toStrictEqual([]);
  });

  it('command handlers: unknown keys and a missing command are problems', () => {
    const problems = settingsProblems({ hooks: { Stop: [{ hooks: [{ type: 'command', blocking: true }] }] } });
    expect(problems).toStrictEqual([
      'hooks.Stop[0].hooks[0].command: must be a string',
      'hooks.Stop[0].hooks[0].blocking: not a command hook key',
    ]);
  });

  it('non-command handler types are allowed with their own keys', () => {
    const hooks = {
      PreToolUse: [
        {
          matcher: '*',
          hooks: [
            { type: 'prompt', prompt: 'check', model: 'x' },
            { type: 'http', url: 'https://x' },
          ],
        },
      ],
    };
    expect(settingsProblems({ hooks })).toStrictEqual([]);
  });

  it('wrong shapes: hooks not an object, groups not a list, handler without type', () => {
    expect(settingsProblems({ hooks: [] })).toStrictEqual(['hooks: must be an object']);
    expect(settingsProblems({ hooks: { Stop: {} } })).toStrictEqual(['hooks.Stop: must be a list of matcher groups']);
    expect(settingsProblems({ hooks: { Stop: [{ hooks: [{ command: 'x' }] }] } })).toStrictEqual([
      'hooks.Stop[0].hooks[0]: must be an object with a "type"',
    ]);
    expect(settingsProblems({ hooks: { Stop: [{ matcher: 'x' }] } })).toStrictEqual([
      'hooks.Stop[0].hooks: must be a list of handlers',
    ]);
  });

  it('reports every problem at once', () => {
    expect(settingsProblems({ onSessionStart: [], env: { a: 1 }, permissions: { ask: [1] } })).toHaveLength(4);
  });
});
