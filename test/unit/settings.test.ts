import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiPackError } from '../../generators/lib/errors.js';
import {
  findEnforcement,
  mergeSettings,
  parseSettings,
  removeEnforcement,
  retiredAdditions,
  sameSettings,
  serializeSettings,
  unmergeSettings,
  type SettingsAdditions,
} from '../../generators/lib/settings.js';
import type { JsonObject } from '../../generators/lib/strict-json.js';

const FILE = '.claude/settings.json';
const fixtureText = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/settings', name), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name)) as JsonObject;
const pack = fixture('pack.json');
/** Key-order-sensitive: the order of keys and rules is part of what must be preserved. */
const text = (value: unknown) => JSON.stringify(value, null, 2);

function parseError(source: string): string {
  try {
    parseSettings(source, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(AiPackError);
    return (error as Error).message;
  }
  throw new Error('parseSettings accepted invalid input');
}

describe('parseSettings', () => {
  it('returns the object of a strict JSON file', () => {
    expect(parseSettings(fixtureText('hand-made.json'), FILE)).toEqual(fixture('hand-made.json'));
  });

  it('reads every escape JSON allows', () => {
    expect(parseSettings('{"a": "\\u00e9\\"\\\\\\/\\b\\f\\n\\r\\t", "b": [-1.5e3, true, false, null]}', FILE)).toEqual({
      a: 'é"\\/\b\f\n\r\t',
      b: [-1500, true, false, null],
    });
  });

  it('names file, line and column of a comment and tells what to do', () => {
    expect(parseError(fixtureText('with-comment.json'))).toBe(
      '.claude/settings.json:3:5: not valid JSON (comments are not allowed). ' +
        'The file must be strict JSON: no comments, no trailing commas. Fix it and run again; no file was changed.',
    );
  });

  it('points at a trailing comma itself', () => {
    expect(parseError(fixtureText('trailing-comma.json'))).toMatch(
      /^\.claude\/settings\.json:5:13: not valid JSON \(trailing comma before '\]'\)\. /,
    );
    expect(parseError('{\n  "model": "opus",\n}')).toMatch(/^\.claude\/settings\.json:2:18: not valid JSON \(trailing comma before '\}'\)/);
  });

  it('points at the end of a truncated file', () => {
    expect(parseError(fixtureText('truncated.json'))).toMatch(/^\.claude\/settings\.json:4:23: not valid JSON \(unexpected end of file\)/);
  });

  it('says so when the file is empty', () => {
    expect(parseError('')).toMatch(/^\.claude\/settings\.json:1:1: not valid JSON \(the file is empty\)/);
    expect(parseError('\n\n')).toMatch(/^\.claude\/settings\.json:3:1: not valid JSON \(the file is empty\)/);
  });

  it.each([
    ['a missing comma', '{"a": 1 "b": 2}', `1:9: not valid JSON (unexpected '"')`],
    ['an unquoted key', '{\n  model: "opus"\n}', `2:3: not valid JSON (unexpected 'm')`],
    ['single quotes', "{'model': 1}", `1:2: not valid JSON (unexpected ''')`],
    ['a block comment', '{ /* x */ }', '1:3: not valid JSON (comments are not allowed)'],
    ['a byte-order mark', '\uFEFF{}', '1:1: not valid JSON (unexpected U+FEFF)'],
    ['an unclosed string', '{"model": "opus}', '1:11: not valid JSON (string never closed)'],
    ['a bad escape', '{"a": "\\x"}', '1:8: not valid JSON (invalid escape in a string)'],
    ['a short unicode escape', '{"a": "\\u00e"}', '1:8: not valid JSON (invalid escape in a string)'],
    ['a raw tab in a string', '{"a": "\t"}', '1:8: not valid JSON (control character inside a string'],
    ['a leading zero', '{"a": 01}', `1:8: not valid JSON (unexpected '1')`],
    ['NaN', '{"a": NaN}', `1:7: not valid JSON (unexpected 'N')`],
    ['text after the object', '{} x', `1:4: not valid JSON (unexpected 'x' after the end of the JSON value)`],
    ['CRLF line ends', '{\r\n  "a": 1,\r\n}', `2:9: not valid JSON (trailing comma before '}')`],
    ['a lone CR line end', '{\r  "a": 1,\r}', `2:9: not valid JSON (trailing comma before '}')`],
    ['characters outside the BMP', '{"😀": 1,}', `1:8: not valid JSON (trailing comma before '}')`],
  ])('locates %s', (_, source, expected) => {
    expect(parseError(source)).toContain(`${FILE}:${expected}`);
  });

  it.each([
    ['[]', '1:1', 'an array'],
    ['\n  null', '2:3', 'null'],
    ['"x"', '1:1', 'a string'],
    ['42', '1:1', 'a number'],
  ])('rejects a top level that is not an object: %j', (source, where, kind) => {
    expect(parseError(source)).toBe(
      `${FILE}:${where}: the top level must be a JSON object ({ ... }), not ${kind}. Fix it and run again; no file was changed.`,
    );
  });
});

describe('serializeSettings and sameSettings', () => {
  it('writes two-space JSON with a final newline', () => {
    expect(serializeSettings({ a: [1], b: { c: 'd' } })).toBe('{\n  "a": [\n    1\n  ],\n  "b": {\n    "c": "d"\n  }\n}\n');
  });

  it('compares content, including key order, not formatting', () => {
    expect(sameSettings(parseSettings('{"a":1,\n\n "b":[2]}', FILE), { a: 1, b: [2] })).toBe(true);
    expect(sameSettings({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameSettings({ a: ['x'] }, { a: ['x', 'y'] })).toBe(false);
  });
});

describe('mergeSettings', () => {
  it('keeps everything of the user in order and appends only what is missing', () => {
    const { settings, added } = mergeSettings(fixture('hand-made.json'), pack);
    expect(text(settings)).toBe(
      text({
        model: 'opus',
        env: { NODE_OPTIONS: '--max-old-space-size=4096', DEBUG: 'app:*' },
        permissions: {
          allow: [
            'Bash(npm test)',
            'Bash(make lint)',
            'Edit',
            'Bash(npm test:*)',
            'Bash(npm run build)',
            'Bash(git status)',
            'Bash(git diff:*)',
            'Bash(git log:*)',
            'Bash(git show:*)',
          ],
          ask: ['Bash(git push:*)'],
          defaultMode: 'acceptEdits',
          deny: ['Read(./.env)', 'Read(./.env.*)', 'Read(./**/*.pem)', 'Read(./**/*.key)'],
        },
        hooks: fixture('hand-made.json').hooks,
        $schema: 'https://json.schemastore.org/claude-code-settings.json',
      }),
    );
    expect(added).toEqual([
      { path: '/$schema', value: 'https://json.schemastore.org/claude-code-settings.json' },
      {
        path: '/permissions/allow',
        items: ['Bash(npm test:*)', 'Bash(npm run build)', 'Bash(git status)', 'Bash(git diff:*)', 'Bash(git log:*)', 'Bash(git show:*)'],
      },
      { path: '/permissions/deny', value: ['Read(./.env)', 'Read(./.env.*)', 'Read(./**/*.pem)', 'Read(./**/*.key)'] },
    ]);
  });

  it('gives an empty settings file the whole pack', () => {
    const { settings, added } = mergeSettings({}, pack);
    expect(text(settings)).toBe(text(pack));
    expect(added).toEqual([
      { path: '/$schema', value: pack.$schema },
      { path: '/permissions', value: pack.permissions },
    ]);
  });

  it('lets every value of the user win, even of another type, and records nothing for it', () => {
    const user = { $schema: 'https://example.com/mine.json', permissions: { allow: 'Edit', deny: null } };
    const { settings, added } = mergeSettings(user, pack);
    expect(text(settings)).toBe(text(user));
    expect(added).toEqual([]);
  });

  it('adds nothing the second time', () => {
    const once = mergeSettings(fixture('hand-made.json'), pack);
    const twice = mergeSettings(once.settings, pack);
    expect(text(twice.settings)).toBe(text(once.settings));
    expect(twice.added).toEqual([]);
    expect(sameSettings(once.settings, twice.settings)).toBe(true);
  });

  it('never duplicates an entry, even one the pack lists twice', () => {
    const { settings, added } = mergeSettings({ permissions: { allow: ['Edit'] } }, { permissions: { allow: ['Edit', 'Write', 'Write'] } });
    expect(settings).toEqual({ permissions: { allow: ['Edit', 'Write'] } });
    expect(added).toEqual([{ path: '/permissions/allow', items: ['Write'] }]);
  });

  it('leaves its inputs untouched and shares no objects with them', () => {
    const user = fixture('hand-made.json');
    const before = text(user);
    const { settings, added } = mergeSettings(user, pack);
    expect(text(user)).toBe(before);
    expect(text(pack)).toBe(text(fixture('pack.json')));
    (settings.permissions as { deny: string[] }).deny.push('Bash(rm:*)');
    expect(added[2]).toEqual({ path: '/permissions/deny', value: (fixture('pack.json').permissions as JsonObject).deny });
  });

  it('adds a key named __proto__ as a key, without touching the prototype', () => {
    const { settings } = mergeSettings({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
    expect(Object.keys(settings)).toEqual(['__proto__']);
  });

  it('treats inherited names such as "constructor" as missing keys', () => {
    const { settings, added } = mergeSettings({}, { constructor: 'x' });
    expect(Object.hasOwn(settings, 'constructor')).toBe(true);
    expect(added).toEqual([{ path: '/constructor', value: 'x' }]);
  });
});

describe('unmergeSettings', () => {
  const roundTrip = (user: JsonObject) => {
    const { settings, added } = mergeSettings(user, pack);
    return unmergeSettings(settings, added);
  };

  it.each([['hand-made.json'], ['enforcement-era.json'], ['enforcement-era.cleaned.json']])(
    'restores %s exactly, key order included',
    (name) => {
      expect(text(roundTrip(fixture(name)))).toBe(text(fixture(name)));
    },
  );

  it('turns a file the pack created into an empty object', () => {
    expect(roundTrip({})).toEqual({});
  });

  it('keeps a container of the user even when it ends up empty', () => {
    expect(text(roundTrip({ permissions: {} }))).toBe(text({ permissions: {} }));
    expect(text(roundTrip({ permissions: { allow: [] } }))).toBe(text({ permissions: { allow: [] } }));
  });

  it('leaves a rule the user deleted deleted and removes the rest', () => {
    const { settings, added } = mergeSettings({ permissions: { allow: ['Bash(make)'] } }, pack);
    const permissions = settings.permissions as { allow: string[] };
    permissions.allow = permissions.allow.filter((rule) => rule !== 'Edit');
    expect(unmergeSettings(settings, added)).toEqual({ permissions: { allow: ['Bash(make)'] } });
  });

  it('takes out the copy of a rule the pack added, leaving the one the user added where they put it', () => {
    const { settings, added } = mergeSettings({ permissions: { allow: ['Bash(make)'] } }, { permissions: { allow: ['Edit'] } });
    (settings.permissions as { allow: string[] }).allow.unshift('Edit');
    expect(text(unmergeSettings(settings, added))).toBe(text({ permissions: { allow: ['Edit', 'Bash(make)'] } }));
  });

  it('keeps a value the user changed since the install', () => {
    const { settings, added } = mergeSettings({}, pack);
    settings.$schema = 'https://example.com/mine.json';
    expect(unmergeSettings(settings, added)).toEqual({ $schema: 'https://example.com/mine.json' });
  });

  it('keeps a container the pack created while the user has something in it', () => {
    const { settings, added } = mergeSettings({}, pack);
    const permissions = settings.permissions as JsonObject & { deny: string[] };
    permissions.deny.push('Bash(curl:*)');
    permissions.defaultMode = 'acceptEdits';
    expect(text(unmergeSettings(settings, added))).toBe(
      text({ permissions: { deny: ['Bash(curl:*)'], defaultMode: 'acceptEdits' } }),
    );
  });

  it('does nothing for additions the user already removed', () => {
    const { added } = mergeSettings({}, pack);
    expect(unmergeSettings({ model: 'opus' }, added)).toEqual({ model: 'opus' });
  });

  it('undoes additions of two installs, newest first', () => {
    const first = mergeSettings({ model: 'opus' }, { permissions: { allow: ['Edit'] } });
    const second = mergeSettings(first.settings, { permissions: { allow: ['Edit', 'Write'] } });
    const all: SettingsAdditions = [...first.added, ...second.added];
    expect(text(unmergeSettings(second.settings, all))).toBe(text({ model: 'opus' }));
  });

  it('follows JSON pointers with escaped "/" and "~"', () => {
    const user = { 'a/b': { 'c~d': ['x'] } };
    const { settings, added } = mergeSettings(user, { 'a/b': { 'c~d': ['y'], e: 1 } });
    expect(added.map((addition) => addition.path)).toEqual(['/a~1b/c~0d', '/a~1b/e']);
    expect(text(unmergeSettings(settings, added))).toBe(text(user));
  });

  it('leaves its input untouched', () => {
    const { settings, added } = mergeSettings({}, pack);
    const before = text(settings);
    unmergeSettings(settings, added);
    expect(text(settings)).toBe(before);
  });
});

describe('retiredAdditions', () => {
  const added = [
    { path: '/permissions/allow', items: ['Bash(npm test)', 'Edit'] },
    { path: '/env', value: { A: '1', B: '2' } },
    { path: '/$schema', value: 'https://old.example/schema.json' },
  ];

  it('keeps only what the new pack no longer ships: array entries, object keys, changed scalars', () => {
    const next = { permissions: { allow: ['Edit', 'Bash(pytest)'] }, env: { A: '1' }, $schema: 'https://new.example/schema.json' };
    expect(retiredAdditions(added, next)).toStrictEqual([
      { path: '/permissions/allow', items: ['Bash(npm test)'] },
      { path: '/env', value: { B: '2' } },
      { path: '/$schema', value: 'https://old.example/schema.json' },
    ]);
  });

  it('is empty when the new pack ships everything the old one added', () => {
    const same = { permissions: { allow: ['Edit', 'Bash(npm test)'] }, env: { A: '1', B: '2' }, $schema: 'https://old.example/schema.json' };
    expect(retiredAdditions(added, same)).toStrictEqual([]);
  });
});

describe('removeEnforcement', () => {
  const era = fixture('enforcement-era.json');

  it('removes the enforcement and gate hooks and the invalid keys, and nothing else', () => {
    const { settings } = removeEnforcement(era);
    expect(text(settings)).toBe(text(fixture('enforcement-era.cleaned.json')));
  });

  it('lists the repository scripts to back up', () => {
    expect(removeEnforcement(era).scripts).toEqual([
      '.claude/hooks/orchestrator-enforcement.py',
      '.claude/hooks/check-task-packet.py',
    ]);
  });

  it('reports every finding with where it was and a one-line explanation', () => {
    const findings = findEnforcement(era);
    expect(findings.map(({ explanation: _, ...where }) => where)).toEqual([
      { kind: 'invalid-key', path: '/onSessionStart' },
      { kind: 'invalid-key', path: '/onSessionEnd' },
      { kind: 'invalid-key', path: '/hooks/SessionStart/0/description' },
      {
        kind: 'hook',
        event: 'UserPromptSubmit',
        group: 0,
        handler: 0,
        command: 'python3 .claude/hooks/orchestrator-enforcement.py',
        script: '.claude/hooks/orchestrator-enforcement.py',
      },
      { kind: 'invalid-key', path: '/hooks/UserPromptSubmit/1/description' },
      {
        kind: 'hook',
        event: 'UserPromptSubmit',
        group: 1,
        handler: 0,
        command: 'cd $(git rev-parse --show-toplevel 2>/dev/null || pwd) && python3 .claude/hooks/check-task-packet.py',
        script: '.claude/hooks/check-task-packet.py',
      },
    ]);
    for (const finding of findings) expect(finding.explanation).toMatch(/^[^\n]{20,300}$/);
    expect(findings[0]!.explanation).toContain('"onSessionStart" is not a Claude Code setting');
    expect(findings[2]!.explanation).toContain('"description" is not allowed in a SessionStart matcher group');
    expect(findings[3]!.explanation).toMatch(/^UserPromptSubmit hook runs orchestrator-enforcement\.py, .*exit 2/);
    expect(findings[5]!.explanation).toMatch(/^UserPromptSubmit hook runs check-task-packet\.py, .*task-packet gate/);
  });

  it('finds nothing on its own output and leaves its input untouched', () => {
    const before = text(era);
    const once = removeEnforcement(era);
    expect(text(era)).toBe(before);
    const twice = removeEnforcement(once.settings);
    expect(twice.findings).toEqual([]);
    expect(twice.scripts).toEqual([]);
    expect(text(twice.settings)).toBe(text(once.settings));
  });

  it('handles the gate under any event, and drops what the removal emptied', () => {
    const settings = {
      model: 'opus',
      hooks: { PreToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'python3 .claude/hooks/check-task-packet.py' }] }] },
    };
    const result = removeEnforcement(settings);
    expect(result.settings).toEqual({ model: 'opus' });
    expect(result.findings).toMatchObject([{ kind: 'hook', event: 'PreToolUse', group: 0, handler: 0 }]);
  });

  it('keeps groups, events and hooks objects that were empty already', () => {
    const settings = { hooks: { Stop: [], SubagentStop: [{ matcher: '', hooks: [] }] } };
    expect(text(removeEnforcement(settings).settings)).toBe(text(settings));
    expect(text(removeEnforcement({ hooks: {} }).settings)).toBe(text({ hooks: {} }));
  });

  it('keeps an event that still has other groups', () => {
    const formatter = { matcher: 'Edit', hooks: [{ type: 'command', command: 'npx prettier --write .' }] };
    const gate = { hooks: [{ type: 'command', command: 'python3 .claude/hooks/check-task-packet.py' }] };
    expect(removeEnforcement({ hooks: { PreToolUse: [gate, formatter] } }).settings).toEqual({ hooks: { PreToolUse: [formatter] } });
  });

  it.each([
    ['python3 .claude/hooks/check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['"$CLAUDE_PROJECT_DIR"/.claude/hooks/check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['python3 ${CLAUDE_PROJECT_DIR}/.claude/hooks/orchestrator-enforcement.py --strict', '.claude/hooks/orchestrator-enforcement.py'],
    ['python3 ./.claude/hooks/check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['python .claude\\hooks\\check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['python3 ~/.claude/hooks/check-task-packet.py', undefined],
    ['python3 /opt/old-framework/orchestrator-enforcement.py', undefined],
  ])('recognises %s and backs up %s', (command, script) => {
    const result = removeEnforcement({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command }] }] } });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ kind: 'hook', command });
    expect((result.findings[0] as { script?: string }).script).toBe(script);
    expect(result.scripts).toEqual(script ? [script] : []);
  });

  it.each([
    'python3 .claude/hooks/my-check-task-packet.py',
    'python3 .claude/hooks/check-task-packet.py.bak',
    'python3 .claude/hooks/session-start.py',
  ])('leaves a look-alike alone: %s', (command) => {
    const settings = { hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command }] }] } };
    expect(removeEnforcement(settings)).toEqual({ settings, findings: [], scripts: [] });
  });

  it('lists a script once even when several hooks run it', () => {
    const handler = { type: 'command', command: 'python3 .claude/hooks/check-task-packet.py' };
    const result = removeEnforcement({ hooks: { UserPromptSubmit: [{ hooks: [handler] }], PreToolUse: [{ hooks: [handler] }] } });
    expect(result.findings).toHaveLength(2);
    expect(result.scripts).toEqual(['.claude/hooks/check-task-packet.py']);
  });
});
