import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiPackError } from '../../generators/lib/errors.js';
import {
  parseSettings,
  removeSettingsText,
  type SettingsAdditions,
  updateSettingsText,
} from '../../generators/lib/settings.js';
import { settingsProblems } from '../../generators/lib/settings-check.js';
import { findEnforcement } from '../../generators/lib/settings-migration.js';
import type { JsonObject } from '../../generators/lib/strict-json.js';

/** The migration alone: an update that brings no entries of the pack's (as settings.ts runs it, in the same edit). */
function migrateSettingsText(text: string, file: string) {
  const { text: migrated, migration } = updateSettingsText({ text, file, pack: {}, recorded: [], declined: [] });
  return { text: migrated!, ...migration };
}

const FILE = '.claude/settings.json';
const fixtureText = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/settings', name), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name)) as JsonObject;
const pack = fixture('pack.json');

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
    expect(parseError('{\n  "model": "opus",\n}')).toMatch(
      /^\.claude\/settings\.json:2:18: not valid JSON \(trailing comma before '\}'\)/,
    );
  });

  it('points at the end of a truncated file', () => {
    expect(parseError(fixtureText('truncated.json'))).toMatch(
      /^\.claude\/settings\.json:4:23: not valid JSON \(unexpected end of file\)/,
    );
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

describe('parseSettings: duplicate keys', () => {
  it('names both lines of a key that appears twice, at any depth', () => {
    const source =
      '{\n  "model": "opus",\n  "permissions": {\n    "allow": ["Edit"],\n    "deny": [],\n    "allow": ["Write"]\n  }\n}\n';
    expect(parseError(source)).toBe(
      `${FILE}:6:5: the key "allow" appears twice in the same object (lines 4 and 6); Claude Code would keep only one of the two values. ` +
        'Keep the one you mean, delete the other and run again; no file was changed.',
    );
    expect(parseError('{"a": 1,\r\n "a": 1}')).toMatch(
      /^\.claude\/settings\.json:2:2: the key "a" appears twice .*\(lines 1 and 2\)/,
    );
    expect(parseError('{"hooks": {"Stop": [{"hooks": [{"type": "command", "type": "x"}]}]}}')).toContain(
      'the key "type" appears twice',
    );
  });

  it('accepts the same key in different objects, and keeps __proto__ an ordinary key', () => {
    expect(parseSettings('{"a": {"x": 1}, "b": {"x": 2}}', FILE)).toEqual({ a: { x: 1 }, b: { x: 2 } });
    const settings = parseSettings('{"__proto__": {"polluted": true}}', FILE);
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
    expect(Object.keys(settings)).toEqual(['__proto__']);
  });
});

const update = (
  text: string | undefined,
  options: { pack?: JsonObject; recorded?: SettingsAdditions; declined?: SettingsAdditions } = {},
) =>
  updateSettingsText({
    text,
    file: FILE,
    pack: options.pack ?? pack,
    recorded: options.recorded ?? [],
    declined: options.declined ?? [],
  });
const remove = (text: string, recorded: SettingsAdditions) => removeSettingsText(text, recorded, FILE);
/** Install, then uninstall with what the install recorded. */
const roundTrip = (original: string, somePack: JsonObject = pack) => {
  const installed = update(original, { pack: somePack });
  return remove(installed.text!, installed.recorded).text;
};
const allowOf = (text: string | undefined) => (parseSettings(text!, FILE).permissions as { allow: string[] }).allow;

describe('updateSettingsText: install', () => {
  it('writes the whole pack as 2-space JSON with a final newline when there is no file', () => {
    const result = update(undefined);
    expect(result.text).toBe(`${JSON.stringify(pack, null, 2)}\n`);
    expect(result.added).toEqual([
      { path: '/$schema', value: pack.$schema },
      { path: '/permissions', value: pack.permissions },
    ]);
    expect(result.recorded).toEqual(result.added);
    expect(result).toMatchObject({ retired: [], declined: [], migration: { findings: [], scripts: [] } });
  });

  it("appends only what is missing, in the file's own layout, keeping every byte of the user's", () => {
    const result = update(fixtureText('hand-made.json'));
    const rules = [
      'Bash(npm test:*)',
      'Bash(npm run build)',
      'Bash(git status)',
      'Bash(git diff:*)',
      'Bash(git log:*)',
      'Bash(git show:*)',
    ];
    const original = fixtureText('hand-made.json');
    const deny = (pack.permissions as { deny: string[] }).deny;
    const expected = original
      .replace('      "Edit"\n', `      "Edit",\n${rules.map((rule) => `      ${JSON.stringify(rule)}`).join(',\n')}\n`)
      .replace(
        '    "defaultMode": "acceptEdits"\n',
        `    "defaultMode": "acceptEdits",\n    "deny": [\n${deny.map((rule) => `      ${JSON.stringify(rule)}`).join(',\n')}\n    ]\n`,
      )
      .replace(/\n {2}}\n}\n$/, `\n  },\n  "$schema": "${pack.$schema}"\n}\n`);
    expect(result.text).toBe(expected);
    expect(result.added).toEqual([
      { path: '/$schema', value: pack.$schema },
      { path: '/permissions/allow', items: rules },
      { path: '/permissions/deny', value: deny },
    ]);
  });

  it.each([
    [
      'four spaces',
      '{\n    "model": "opus",\n    "permissions": {\n        "allow": [\n            "Edit"\n        ]\n    }\n}\n',
    ],
    ['tabs', '{\n\t"model": "opus",\n\t"permissions": {\n\t\t"allow": [\n\t\t\t"Edit"\n\t\t]\n\t}\n}\n'],
    [
      'CRLF line ends',
      '{\r\n  "model": "opus",\r\n  "permissions": {\r\n    "allow": [\r\n      "Edit"\r\n    ]\r\n  }\r\n}\r\n',
    ],
    ['one line, no final newline', '{"model":"opus","permissions":{"allow":["Edit"]}}'],
    ['inline arrays in a block', '{\n  "permissions": { "allow": ["Edit", "Write"], "deny": [] },\n  "env": {}\n}\n'],
    [
      'number forms JSON.parse would change',
      '{\n  "a": 12345678901234567890,\n  "b": 1e400,\n  "c": -0.0E+0,\n  "d": "\\u00e9"\n}',
    ],
    ['an empty object', '{}'],
    ['an empty object and a newline', '{}\n'],
  ])('keeps the formatting of a file with %s, and uninstall gives back the same bytes', (_, original) => {
    const installed = update(original);
    expect(installed.text).not.toBe(original);
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    // Every line break of the result is the file's own kind.
    expect(installed.text!.replaceAll(eol, '').includes('\n')).toBe(false);
    expect(remove(installed.text!, installed.recorded).text).toBe(original);
  });

  it('indents what it adds with the unit of the file: four spaces, a tab', () => {
    expect(update('{\n    "model": "opus"\n}\n').text).toContain(
      '\n    "permissions": {\n        "allow": [\n            "Edit",\n',
    );
    expect(update('{\n\t"model": "opus"\n}\n').text).toContain('\n\t"permissions": {\n\t\t"allow": [\n\t\t\t"Edit",\n');
    const packAllow = (pack.permissions as { allow: string[] }).allow;
    expect(update('{"model":"opus","permissions":{"allow":["Edit"]}}').text).toBe(
      `{"model":"opus","permissions":{"allow":${JSON.stringify(packAllow)},"deny":${JSON.stringify((pack.permissions as JsonObject).deny)}},"$schema":"${pack.$schema}"}`,
    );
  });

  it('returns the very same text, and adds nothing, the second time', () => {
    for (const original of [undefined, fixtureText('hand-made.json'), '{"permissions":{"allow":[]}}']) {
      const once = update(original);
      const twice = update(once.text, { recorded: once.recorded });
      expect(twice.text).toBe(once.text);
      expect(twice).toMatchObject({ added: [], retired: [], declined: [], recorded: once.recorded });
    }
  });

  it('lets every value of the user win, even of another type, and records nothing for it', () => {
    const user = '{"$schema": "https://example.com/mine.json", "permissions": {"allow": "Edit", "deny": null}}';
    const result = update(user);
    expect(result.text).toBe(user);
    expect(result.added).toEqual([]);
  });

  it('never duplicates an entry, even one the pack lists twice', () => {
    const result = update('{"permissions": {"allow": ["Edit"]}}', {
      pack: { permissions: { allow: ['Edit', 'Write', 'Write'] } },
    });
    expect(result.text).toBe('{"permissions": {"allow": ["Edit", "Write"]}}');
    expect(result.added).toEqual([{ path: '/permissions/allow', items: ['Write'] }]);
  });

  it('adds a key named __proto__ as a key, and follows pointers with escaped "/" and "~"', () => {
    const proto = update('{}', { pack: JSON.parse('{"__proto__": {"polluted": true}}') });
    expect(proto.text).toBe('{\n  "__proto__": {\n    "polluted": true\n  }\n}');
    const user = '{"a/b": {"c~d": ["x"]}}';
    const result = update(user, { pack: { 'a/b': { 'c~d': ['y'], e: 1 } } });
    expect(result.added.map((addition) => addition.path)).toEqual(['/a~1b/c~0d', '/a~1b/e']);
    expect(remove(result.text!, result.recorded).text).toBe(user);
  });

  it('says "unchanged" with the input itself: nothing to add and no file gives no file', () => {
    const declined = [
      { path: '/$schema', value: pack.$schema },
      { path: '/permissions', value: pack.permissions },
    ];
    expect(update(undefined, { declined }).text).toBeUndefined();
  });
});

describe('updateSettingsText: the user decides', () => {
  const first = update(fixtureText('hand-made.json'));

  it('a pack rule the user deleted stays deleted, and is listed as declined', () => {
    const edited = first.text!.replace(',\n      "Bash(git status)"', '');
    const second = update(edited, { recorded: first.recorded });
    expect(second.text).toBe(edited);
    expect(second.declined).toEqual([{ path: '/permissions/allow', items: ['Bash(git status)'] }]);
    expect(second).toMatchObject({ added: [], retired: [] });
    // Uninstall, told what was declined, leaves a copy the user writes back later alone.
    const writtenBack = second.text!.replace('"Bash(npm test)",', '"Bash(npm test)",\n      "Bash(git status)",');
    expect(removeSettingsText(writtenBack, second.recorded, FILE, second.declined).text).toContain('Bash(git status)');
    // The next run gets the declined list from the record: still not added, still listed.
    const third = update(second.text, { recorded: second.recorded, declined: second.declined });
    expect(third.text).toBe(edited);
    expect(third.declined).toEqual(second.declined);
  });

  it('a whole key the pack created and the user deleted stays deleted, piece by piece', () => {
    const edited = first.text!.replace(/,\n {4}"deny": \[[^\]]*\]/, '');
    const second = update(edited, { recorded: first.recorded });
    expect(second.text).toBe(edited);
    expect(second.declined).toEqual([{ path: '/permissions/deny', items: (pack.permissions as JsonObject).deny }]);
    expect(update(undefined, { declined: second.declined }).text).not.toContain('deny');
  });

  it('a declined rule the user writes back is theirs: out of the declined list, never recorded, kept by uninstall', () => {
    const declined = [{ path: '/permissions/allow', items: ['Bash(git status)'] }];
    const result = update('{"permissions": {"allow": ["Bash(git status)"]}}', { declined });
    expect(result.declined).toEqual([]);
    expect(result.recorded.flatMap((addition) => ('items' in addition ? addition.items : []))).not.toContain(
      'Bash(git status)',
    );
    expect(allowOf(remove(result.text!, result.recorded).text)).toEqual(['Bash(git status)']);
  });

  it('a rule the pack no longer ships is retired: taken out, reported, and out of the record', () => {
    const npmPack = { permissions: { allow: ['Edit', 'Bash(npm test)'] } };
    const pytestPack = { permissions: { allow: ['Edit', 'Bash(pytest)'] } };
    const installed = update('{\n  "permissions": {\n    "allow": []\n  }\n}\n', { pack: npmPack });
    const updated = update(installed.text, { pack: pytestPack, recorded: installed.recorded });
    expect(allowOf(updated.text)).toEqual(['Edit', 'Bash(pytest)']);
    expect(updated.retired).toEqual([{ path: '/permissions/allow', items: ['Bash(npm test)'] }]);
    expect(updated.recorded).toEqual([
      { path: '/permissions/allow', items: ['Edit'] },
      { path: '/permissions/allow', items: ['Bash(pytest)'] },
    ]);
    // The user adds the old rule back by hand: later updates and the uninstall leave it.
    const handEdited = updated.text!.replace('"Bash(pytest)"', '"Bash(pytest)",\n      "Bash(npm test)"');
    const again = update(handEdited, { pack: pytestPack, recorded: updated.recorded });
    expect(again.text).toBe(handEdited);
    expect(again.retired).toEqual([]);
    expect(allowOf(remove(handEdited, again.recorded).text)).toEqual(['Bash(npm test)']);
  });

  it('says nothing is retired when the user already took the old rule out', () => {
    const installed = update('{"permissions": {"allow": []}}', {
      pack: { permissions: { allow: ['Bash(npm test)'] } },
    });
    const result = update('{"permissions": {"allow": []}}', {
      pack: { permissions: { allow: ['Bash(pytest)'] } },
      recorded: installed.recorded,
    });
    expect(result.retired).toEqual([]);
    expect(result.declined).toEqual([]);
    expect(allowOf(result.text)).toEqual(['Bash(pytest)']);
  });

  it('a value the pack changed is replaced; one the user changed stays theirs', () => {
    const installed = update('{}\n', { pack: { $schema: 'https://old.example/schema.json' } });
    const updated = update(installed.text, {
      pack: { $schema: 'https://new.example/schema.json' },
      recorded: installed.recorded,
    });
    expect(updated.text).toBe('{\n  "$schema": "https://new.example/schema.json"\n}\n');
    expect(updated.retired).toEqual([{ path: '/$schema', value: 'https://old.example/schema.json' }]);
    const mine = '{\n  "$schema": "https://mine.example/schema.json"\n}\n';
    const kept = update(mine, { pack: { $schema: 'https://new.example/schema.json' }, recorded: installed.recorded });
    expect(kept.text).toBe(mine);
    expect(kept.recorded).toEqual([]);
  });
});

describe('removeSettingsText', () => {
  it.each([['hand-made.json'], ['enforcement-era.cleaned.json'], ['pack.json']])(
    'restores %s byte for byte',
    (name) => {
      expect(roundTrip(fixtureText(name))).toBe(fixtureText(name));
    },
  );

  it('leaves {} of a file the pack created', () => {
    const installed = update(undefined);
    expect(remove(installed.text!, installed.recorded)).toEqual({ text: '{}\n' });
    expect(remove('{"model": "opus"}', installed.recorded)).toEqual({ text: '{"model": "opus"}' });
  });

  it('keeps a container of the user even when it ends up empty', () => {
    expect(roundTrip('{"permissions": {}}')).toBe('{"permissions": {}}');
    expect(roundTrip('{"permissions": {"allow": []}}')).toBe('{"permissions": {"allow": []}}');
  });

  it('takes out the copy of a rule the pack added, leaving the one the user added where they put it', () => {
    const installed = update('{"permissions": {"allow": ["Bash(make)"]}}', {
      pack: { permissions: { allow: ['Edit'] } },
    });
    const edited = installed.text!.replace('["Bash(make)"', '["Edit", "Bash(make)"');
    expect(remove(edited, installed.recorded).text).toBe('{"permissions": {"allow": ["Edit", "Bash(make)"]}}');
  });

  it('keeps a value the user changed, and a container the pack created while the user has something in it', () => {
    const installed = update(undefined);
    const edited = installed
      .text!.replace(pack.$schema as string, 'https://example.com/mine.json')
      .replace('"Read(./**/*.key)"', '"Read(./**/*.key)",\n      "Bash(curl:*)"');
    expect(JSON.parse(remove(edited, installed.recorded).text)).toEqual({
      $schema: 'https://example.com/mine.json',
      permissions: { deny: ['Bash(curl:*)'] },
    });
  });

  it('undoes the additions of two installs, newest first', () => {
    const first = update('{"model": "opus"}', { pack: { permissions: { allow: ['Edit'] } } });
    const second = update(first.text, {
      pack: { permissions: { allow: ['Edit', 'Write'] } },
      recorded: first.recorded,
    });
    expect(second.recorded).toHaveLength(2);
    expect(remove(second.text!, second.recorded).text).toBe('{"model": "opus"}');
  });

  it('refuses a file that is not strict JSON, like every reader', () => {
    expect(() => remove('{"a": 1,}', [])).toThrow(AiPackError);
  });
});

describe('the migration of enforcement-era settings', () => {
  const migrate = (source: string) => migrateSettingsText(source, FILE);

  it('removes the enforcement and gate hooks and the invalid keys, and not one byte more', () => {
    expect(migrate(fixtureText('enforcement-era.json')).text).toBe(fixtureText('enforcement-era.cleaned.json'));
    expect(migrate(fixtureText('enforcement-odd-shapes.json')).text).toBe(
      fixtureText('enforcement-odd-shapes.cleaned.json'),
    );
  });

  it('leaves settings the structural check accepts', () => {
    for (const name of ['enforcement-era.json', 'enforcement-odd-shapes.json']) {
      expect(settingsProblems(parseSettings(fixtureText(name), FILE))).not.toEqual([]);
      expect(settingsProblems(parseSettings(migrate(fixtureText(name)).text, FILE))).toEqual([]);
    }
  });

  it('lists the repository scripts to back up', () => {
    expect(migrate(fixtureText('enforcement-era.json')).scripts).toEqual([
      '.claude/hooks/orchestrator-enforcement.py',
      '.claude/hooks/check-task-packet.py',
    ]);
    expect(migrate(fixtureText('enforcement-odd-shapes.json')).scripts).toEqual([
      '.claude/hooks/orchestrator-enforcement.py',
      '.claude/hooks/check-task-packet.py',
    ]);
  });

  it('reports every finding with where it was and a one-line explanation', () => {
    const findings = findEnforcement(fixture('enforcement-era.json'));
    expect(findings.map(({ explanation: _, ...where }) => where)).toEqual([
      { kind: 'invalid-key', path: '/onSessionStart' },
      { kind: 'invalid-key', path: '/onSessionEnd' },
      { kind: 'invalid-key', path: '/hooks/SessionStart/0/description' },
      {
        kind: 'hook',
        path: '/hooks/UserPromptSubmit/0/hooks/0',
        event: 'UserPromptSubmit',
        command: 'python3 .claude/hooks/orchestrator-enforcement.py',
        script: '.claude/hooks/orchestrator-enforcement.py',
      },
      { kind: 'invalid-key', path: '/hooks/UserPromptSubmit/1/description' },
      {
        kind: 'hook',
        path: '/hooks/UserPromptSubmit/1/hooks/0',
        event: 'UserPromptSubmit',
        command: 'cd $(git rev-parse --show-toplevel 2>/dev/null || pwd) && python3 .claude/hooks/check-task-packet.py',
        script: '.claude/hooks/check-task-packet.py',
      },
    ]);
    for (const finding of findings) expect(finding.explanation).toMatch(/^[^\n]{20,300}$/);
    expect(findings[0]!.explanation).toContain('"onSessionStart" is not a Claude Code setting');
    expect(findings[2]!.explanation).toContain(
      '"description" is not allowed here (a SessionStart matcher group allows only "matcher" and "hooks")',
    );
    expect(findings[3]!.explanation).toMatch(/^UserPromptSubmit hook runs orchestrator-enforcement\.py, .*exit 2/);
    expect(findings[5]!.explanation).toMatch(/^UserPromptSubmit hook runs check-task-packet\.py, .*task-packet gate/);
  });

  it('finds every odd shape: under hooks, as strings, arrays, group-level commands and whole events', () => {
    const findings = findEnforcement(fixture('enforcement-odd-shapes.json'));
    expect(findings.map((finding) => [finding.kind, finding.path])).toEqual([
      ['invalid-key', '/onSessionStart'],
      ['invalid-key', '/hooks/onSessionStart'],
      ['invalid-key', '/hooks/onSessionEnd'],
      ['hook', '/hooks/UserPromptSubmit/0/hooks/0'],
      ['invalid-key', '/hooks/UserPromptSubmit/0/hooks/1/description'],
      ['hook', '/hooks/UserPromptSubmit/0/hooks/2'],
      ['hook', '/hooks/PreToolUse/0'],
      ['hook', '/hooks/Stop'],
    ]);
    expect(findings[1]!.explanation).toContain('"onSessionStart" is not a Claude Code hook event');
    expect(findings[5]).toMatchObject({
      command: 'python3 ${CLAUDE_PROJECT_DIR}/.claude/hooks/check-task-packet.py',
      script: '.claude/hooks/check-task-packet.py',
    });
  });

  it('finds nothing on its own output, which it leaves as it is', () => {
    for (const name of ['enforcement-era.json', 'enforcement-odd-shapes.json']) {
      const once = migrate(fixtureText(name));
      expect(migrate(once.text)).toEqual({ text: once.text, findings: [], scripts: [] });
    }
  });

  it('handles the gate under any event, and drops what the removal emptied', () => {
    const source =
      '{\n  "model": "opus",\n  "hooks": {\n    "PreToolUse": [\n      {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "python3 .claude/hooks/check-task-packet.py"}]}\n    ]\n  }\n}\n';
    const result = migrate(source);
    expect(result.text).toBe('{\n  "model": "opus"\n}\n');
    expect(result.findings).toMatchObject([{ kind: 'hook', event: 'PreToolUse', path: '/hooks/PreToolUse/0/hooks/0' }]);
  });

  it('keeps groups, events and hooks objects that were empty already', () => {
    const source = '{"hooks": {"Stop": [], "SubagentStop": [{"matcher": "", "hooks": []}]}}';
    expect(migrate(source).text).toBe(source);
    expect(migrate('{"hooks": {}}').text).toBe('{"hooks": {}}');
  });

  it('keeps an event that still has other groups, and a group that still has other handlers', () => {
    const source =
      '{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "python3 .claude/hooks/check-task-packet.py"}]}, ' +
      '{"matcher": "Edit", "hooks": [{"type": "command", "command": "npx prettier --write ."}, "python3 .claude/hooks/check-task-packet.py"]}]}}';
    expect(migrate(source).text).toBe(
      '{"hooks": {"PreToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "npx prettier --write ."}]}]}}',
    );
  });

  it.each([
    ['python3 .claude/hooks/check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['"$CLAUDE_PROJECT_DIR"/.claude/hooks/check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    [
      'python3 ${CLAUDE_PROJECT_DIR}/.claude/hooks/orchestrator-enforcement.py --strict',
      '.claude/hooks/orchestrator-enforcement.py',
    ],
    ['python3 ./.claude/hooks/check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['python .claude\\hooks\\check-task-packet.py', '.claude/hooks/check-task-packet.py'],
    ['python3 ~/.claude/hooks/check-task-packet.py', undefined],
    ['python3 /opt/old-framework/orchestrator-enforcement.py', undefined],
  ])('recognises %s and backs up %s', (command, script) => {
    const result = migrate(
      JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command }] }] } }),
    );
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
    const source = JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command }] }] } });
    expect(migrate(source)).toEqual({ text: source, findings: [], scripts: [] });
  });

  it('lists a script once even when several hooks run it, and not at all while other settings still name it', () => {
    const handler = { type: 'command', command: 'python3 .claude/hooks/check-task-packet.py' };
    const result = migrate(
      JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [handler] }], PreToolUse: [{ hooks: [handler] }] } }),
    );
    expect(result.findings).toHaveLength(2);
    expect(result.scripts).toEqual(['.claude/hooks/check-task-packet.py']);
    const statusLine = {
      statusLine: { type: 'command', command: 'python3 .claude/hooks/check-task-packet.py --status' },
    };
    const shared = migrate(JSON.stringify({ ...statusLine, hooks: { Stop: [{ hooks: [handler] }] } }));
    expect(JSON.parse(shared.text)).toEqual(statusLine);
    expect(shared.scripts).toEqual([]);
  });

  it('is done by updateSettingsText in the same edit, and uninstall then keeps the migration', () => {
    const result = update(fixtureText('enforcement-era.json'));
    expect(result.migration.scripts).toHaveLength(2);
    expect(result.migration.findings).toHaveLength(6);
    expect(remove(result.text!, result.recorded).text).toBe(fixtureText('enforcement-era.cleaned.json'));
  });
});
