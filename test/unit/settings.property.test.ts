import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AiPackError } from '../../generators/lib/errors.js';
import { JsonDocument, removeAt } from '../../generators/lib/json-edit.js';
import {
  parseSettings,
  removeSettingsText,
  type SettingsAdditions,
  updateSettingsText,
} from '../../generators/lib/settings.js';
import { isJsonObject, type JsonObject, parseStrictJson } from '../../generators/lib/strict-json.js';

/** The migration alone: an update that brings no entries of the pack's (as settings.ts runs it, in the same edit). */
function migrateSettingsText(text: string, file: string) {
  const { text: migrated, migration } = updateSettingsText({ text, file, pack: {}, recorded: [], declined: [] });
  return { text: migrated!, ...migration };
}

const RUNS = { numRuns: 200 };
const pack = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/settings/pack.json'), 'utf8'),
) as JsonObject;
const packPermissions = pack.permissions as Record<string, string[]>;
/** Key-order-sensitive comparison: the order of keys and rules must survive. */
const text = (value: unknown) => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// Random valid user settings

/** The same object with its keys in a random order. */
const shuffledKeys = <T extends object>(arbitrary: fc.Arbitrary<T>) =>
  arbitrary.chain((object) => {
    const keys = Object.keys(object);
    return fc
      .shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length })
      .map((order) => Object.fromEntries(order.map((key) => [key, (object as JsonObject)[key]])) as JsonObject);
  });

const rule = fc.oneof(
  fc.constantFrom(...packPermissions.allow!, ...packPermissions.deny!),
  fc.constantFrom('Edit', 'Write', 'WebFetch'),
  fc.stringMatching(/^[a-z][a-z :*]{0,12}$/).map((command) => `Bash(${command})`),
);
const rules = fc.array(rule, { maxLength: 6 });
const permissions = shuffledKeys(
  fc.record(
    { allow: rules, ask: rules, deny: rules, defaultMode: fc.constantFrom('default', 'acceptEdits', 'plan') },
    { requiredKeys: [] },
  ),
);
const env = fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 12 }), { maxKeys: 4 });

const RAW_NUMBERS = ['12345678901234567890', '1e400', '-0.0E+0', '1E-7', '0.1000', '-1'];
const EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'UserPromptSubmit',
  'Stop',
  'SubagentStart',
  'SubagentStop',
  'SessionStart',
  'SessionEnd',
  'PreCompact',
  'Notification',
];
const ENFORCEMENT_NAME = /orchestrator-enforcement\.py|check-task-packet\.py/;
const userCommand = fc
  .oneof(
    fc.constantFrom(
      'npx prettier --write "$CLAUDE_FILE_PATHS"',
      'python3 .claude/hooks/session-start.py',
      'npm run lint',
    ),
    fc.string(),
  )
  .filter((command) => !ENFORCEMENT_NAME.test(command));
const handler = shuffledKeys(
  fc.record(
    {
      type: fc.constant('command'),
      command: userCommand,
      timeout: fc.integer({ min: 1, max: 600 }),
      async: fc.boolean(),
    },
    { requiredKeys: ['type', 'command'] },
  ),
);
const group = shuffledKeys(
  fc.record(
    { matcher: fc.constantFrom('', '*', 'Edit|Write', 'Bash'), hooks: fc.array(handler, { maxLength: 3 }) },
    { requiredKeys: ['hooks'] },
  ),
);
const hooks = fc.dictionary(fc.constantFrom(...EVENTS), fc.array(group, { maxLength: 3 }), { maxKeys: 4 });

const userSettings = shuffledKeys(
  fc.record(
    {
      $schema: fc.constantFrom(
        'https://json.schemastore.org/claude-code-settings.json',
        'https://example.com/old-schema.json',
      ),
      model: fc.constantFrom('opus', 'sonnet', 'haiku'),
      permissions,
      env,
      hooks,
      includeCoAuthoredBy: fc.boolean(),
      cleanupPeriodDays: fc.integer({ min: 1, max: 365 }),
      // Number forms JSON.parse would change; written in place of these placeholders by `format`.
      numbers: fc.array(
        fc.constantFrom(...RAW_NUMBERS).map((raw) => `@@${raw}@@`),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
);

// ---------------------------------------------------------------------------------------------
// Random formatting

interface Format {
  /** One level of indent; undefined: the whole file on one line. */
  indent: string | undefined;
  eol: string;
  colon: string;
  comma: string;
  /** Arrays on one line even in a block layout, as many people write permission lists. */
  inlineArrays: boolean;
  finalNewline: boolean;
}
const formats: fc.Arbitrary<Format> = fc.record({
  indent: fc.constantFrom(undefined, ' ', '  ', '    ', '\t'),
  eol: fc.constantFrom('\n', '\r\n'),
  colon: fc.constantFrom(':', ': ', ' : '),
  comma: fc.constantFrom(',', ', '),
  inlineArrays: fc.boolean(),
  finalNewline: fc.boolean(),
});

/** `value` as JSON text in the given style, with the number placeholders written as raw numbers. */
function format(value: unknown, style: Format): string {
  const text = render(value, style, '') + (style.finalNewline ? style.eol : '');
  return text.replace(/"@@([^"@]+)@@"/g, '$1');
}

function render(value: unknown, style: Format, at: string): string {
  const inline = (open: string, items: string[], close: string) => `${open}${items.join(style.comma)}${close}`;
  const block = (open: string, items: string[], close: string, inner: string) =>
    `${open}${style.eol}${items.map((item) => inner + item).join(`,${style.eol}`)}${style.eol}${at}${close}`;
  if (Array.isArray(value) && value.length > 0) {
    if (style.indent === undefined || style.inlineArrays)
      return inline(
        '[',
        value.map((item) => render(item, { ...style, indent: undefined }, at)),
        ']',
      );
    const inner = at + style.indent;
    return block(
      '[',
      value.map((item) => render(item, style, inner)),
      ']',
      inner,
    );
  }
  if (isJsonObject(value) && Object.keys(value).length > 0) {
    const inner = at + (style.indent ?? '');
    const members = Object.entries(value).map(
      ([key, item]) => `${JSON.stringify(key)}${style.colon}${render(item, style, inner)}`,
    );
    return style.indent === undefined ? inline('{', members, '}') : block('{', members, '}', inner);
  }
  return JSON.stringify(value);
}

const FILE = '.claude/settings.json';
const update = (
  text: string | undefined,
  somePack: JsonObject,
  recorded: SettingsAdditions = [],
  declined: SettingsAdditions = [],
) => updateSettingsText({ text, file: FILE, pack: somePack, recorded, declined });
const uninstall = (text: string, recorded: SettingsAdditions) => removeSettingsText(text, recorded, FILE).text;
/** Settings without the number placeholders, for comparisons of values. */
const withoutNumbers = (settings: JsonObject) => {
  const { numbers: _, ...rest } = settings;
  return rest;
};
const keysOf = (pointer: string) => pointer.split('/').slice(1);
/** The array entries inside an added value, with the keys of their array (the test's keys need no escaping). */
const arrayEntries = (keys: string[], value: unknown): (readonly [string[], unknown])[] =>
  Array.isArray(value)
    ? value.map((item) => [keys, item] as const)
    : isJsonObject(value)
      ? Object.entries(value).flatMap(([key, inner]) => arrayEntries([...keys, key], inner))
      : [];
const allowOf = (settings: unknown) =>
  isJsonObject(settings) && isJsonObject(settings.permissions) && Array.isArray(settings.permissions.allow)
    ? settings.permissions.allow
    : [];

// ---------------------------------------------------------------------------------------------
// Install, update, uninstall

/** Every key, value, rule and hook of `user` is in `merged`, in the same order, with additions only after it. */
function expectKeptInOrder(user: unknown, merged: unknown): void {
  if (isJsonObject(user)) {
    expect(isJsonObject(merged)).toBe(true);
    const mergedObject = merged as JsonObject;
    expect(Object.keys(mergedObject).slice(0, Object.keys(user).length)).toEqual(Object.keys(user));
    for (const key of Object.keys(user)) expectKeptInOrder(user[key], mergedObject[key]);
  } else if (Array.isArray(user)) {
    expect(text((merged as unknown[]).slice(0, user.length))).toBe(text(user));
  } else {
    expect(merged).toBe(user);
  }
}

describe('updateSettingsText and removeSettingsText on random settings in random formatting', () => {
  // A random "pack" exercises nested objects, hook arrays and clashing scalars the real pack lacks.
  const packs = fc.oneof(fc.constant(pack), userSettings.map(withoutNumbers));

  it('install then uninstall gives back the same bytes', () => {
    fc.assert(
      fc.property(userSettings, packs, formats, (user, somePack, style) => {
        const original = format(user, style);
        const installed = update(original, somePack);
        expect(uninstall(installed.text!, installed.recorded)).toBe(original);
      }),
      RUNS,
    );
  });

  it("install keeps every user key, rule, env value and hook, in order, and each line of the user's", () => {
    fc.assert(
      fc.property(userSettings.map(withoutNumbers), packs, formats, (user, somePack, style) => {
        const installed = update(format(user, style), somePack);
        expectKeptInOrder(user, parseSettings(installed.text!, FILE));
        // Nothing is reformatted: the new text only has lines of its own style.
        expect(installed.text!.replaceAll(style.eol, '').includes('\n')).toBe(false);
      }),
      RUNS,
    );
  });

  it('gives every permission list the pack rules, each exactly once among the added ones', () => {
    fc.assert(
      fc.property(userSettings.map(withoutNumbers), formats, (user, style) => {
        const merged = parseSettings(update(format(user, style), pack).text!, FILE).permissions as Record<
          string,
          string[]
        >;
        const before = (user.permissions ?? {}) as Record<string, string[]>;
        for (const list of ['allow', 'deny']) {
          const appended = merged[list]!.slice(before[list]?.length ?? 0);
          expect(new Set(merged[list])).toEqual(new Set([...(before[list] ?? []), ...packPermissions[list]!]));
          expect(new Set(appended).size).toBe(appended.length);
          expect(appended.filter((entry) => before[list]?.includes(entry))).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('installing twice equals installing once: the same text, nothing added, the same record', () => {
    fc.assert(
      fc.property(fc.option(userSettings, { nil: undefined }), packs, formats, (user, somePack, style) => {
        const once = update(user && format(user, style), somePack);
        const twice = update(once.text, somePack, once.recorded, once.declined);
        expect(twice.text).toBe(once.text);
        expect(twice).toMatchObject({ added: [], retired: [], recorded: once.recorded, declined: once.declined });
      }),
      RUNS,
    );
  });

  it('pack entries the user deletes stay deleted and are declined; rules the user adds survive the uninstall', () => {
    const ownRule = fc.stringMatching(/^[a-z]{1,8}$/).map((name) => `Bash(my-${name})`);
    fc.assert(
      fc.property(
        userSettings,
        formats,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(ownRule, { maxLength: 3 }),
        (user, style, picks, ownRules) => {
          const original = format(user, style);
          const installed = update(original, pack);
          // Delete random array entries the pack added (rules), by editing the text as a person would.
          const packRules = installed.recorded.flatMap((addition) =>
            arrayEntries(keysOf(addition.path), 'items' in addition ? addition.items : addition.value),
          );
          const deleted = [...new Set(picks.map((pick) => pick % Math.max(packRules.length, 1)))]
            .map((index) => packRules[index])
            .filter((rule) => rule !== undefined);
          let edited = installed.text!;
          for (const [keys, item] of deleted) {
            const index = (new JsonDocument(edited).valueAt(keys) as unknown[]).lastIndexOf(item);
            edited = removeAt(edited, [...keys, index]);
          }
          // The user's own rules go into their own allow list, if they have one.
          const ownAllow = Array.isArray((user.permissions as JsonObject | undefined)?.allow);
          let expected = original;
          for (const rule of ownAllow ? ownRules : []) {
            edited = new JsonDocument(edited).appendItems(['permissions', 'allow'], [rule]).text;
            expected = new JsonDocument(expected).appendItems(['permissions', 'allow'], [rule]).text;
          }
          const again = update(edited, pack, installed.recorded);
          expect(again.text).toBe(edited);
          expect(again.added).toEqual([]);
          const declinedRules = again.declined.flatMap((addition) => ('items' in addition ? addition.items : []));
          expect(declinedRules.sort()).toEqual(deleted.map(([, item]) => item).sort());
          expect(update(edited, pack, again.recorded, again.declined).text).toBe(edited);
          expect(uninstall(edited, again.recorded)).toBe(expected);
        },
      ),
      RUNS,
    );
  });

  it("an update to another pack keeps the user's settings, ships exactly the new pack, and uninstall still gives back the bytes", () => {
    fc.assert(
      fc.property(userSettings, packs, packs, formats, (user, before, after, style) => {
        const original = format(user, style);
        const first = update(original, before);
        const second = update(first.text, after, first.recorded, first.declined);
        expectKeptInOrder(
          withoutNumbers(parseSettings(original, FILE)),
          withoutNumbers(parseSettings(second.text!, FILE)),
        );
        // No rule of the old pack is left that the new one does not ship, unless it was the user's.
        for (const rule of allowOf(before)) {
          if (!allowOf(after).includes(rule) && !allowOf(user).includes(rule))
            expect(allowOf(parseSettings(second.text!, FILE))).not.toContain(rule);
        }
        expect(uninstall(second.text!, second.recorded)).toBe(original);
        expect(update(second.text, after, second.recorded, second.declined).text).toBe(second.text);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Enforcement removal

const ENFORCEMENT_COMMANDS = [
  'python3 .claude/hooks/orchestrator-enforcement.py',
  'python3 .claude/hooks/check-task-packet.py',
  'cd $(git rev-parse --show-toplevel 2>/dev/null || pwd) && python3 .claude/hooks/check-task-packet.py',
  '"$CLAUDE_PROJECT_DIR"/.claude/hooks/orchestrator-enforcement.py',
];
const injection = fc.record({
  what: fc.constantFrom('group', 'handler', 'description', 'event', 'session-key'),
  /** How the old framework wrote the command: a handler object, a bare string, or an object with an array of words. */
  shape: fc.constantFrom('object', 'string', 'array'),
  event: fc.constantFrom(...EVENTS),
  pick: fc.nat(),
  at: fc.nat(),
  command: fc.constantFrom(...ENFORCEMENT_COMMANDS),
});
const invalidKeys = fc.record({ keys: fc.subarray(['onSessionStart', 'onSessionEnd']), at: fc.nat() });

type Group = { hooks: unknown[] } & JsonObject;
type Injection = { what: string; shape: string; event: string; pick: number; at: number; command: string };

/** `settings` with enforcement hooks and invalid keys woven in; returns how many things were added. */
function withEnforcement(
  settings: JsonObject,
  injections: Injection[],
  invalid: { keys: string[]; at: number },
): { dirty: JsonObject; count: number } {
  let dirty = structuredClone(settings);
  let count = 0;
  for (const { what, shape, event, pick, at, command } of injections) {
    const hooksObject = isJsonObject(dirty.hooks) ? dirty.hooks : undefined;
    const groups = Object.entries(hooksObject ?? {})
      .filter(([key, value]) => key !== 'onSessionStart' && Array.isArray(value))
      .flatMap(([, value]) => value as Group[]);
    const handler =
      shape === 'string' ? command : { type: 'command', command: shape === 'array' ? command.split(' ') : command };
    // A `hooks` object that was empty already is dropped once emptied again: not a target.
    const emptyHooks = hooksObject !== undefined && Object.keys(hooksObject).length === 0;
    if (what === 'description' && groups.length > 0) {
      // The old framework wrote `description` first; later keys keep their order.
      const target = groups[pick % groups.length]!;
      if ('description' in target) continue;
      const entries = Object.entries(target);
      for (const [key] of entries) delete target[key];
      Object.assign(target, { description: 'Enforce the gate' }, Object.fromEntries(entries));
      count++;
    } else if (what === 'handler' && groups.some((g) => g.hooks.length > 0)) {
      const nonEmpty = groups.filter((g) => g.hooks.length > 0);
      const target = nonEmpty[pick % nonEmpty.length]!;
      target.hooks.splice(at % (target.hooks.length + 1), 0, handler);
      count++;
    } else if (what === 'group') {
      // A `hooks` object or event array that was empty already is dropped once emptied again: not a target.
      const existing = hooksObject?.[event] as Group[] | undefined;
      if (existing?.length === 0 || emptyHooks || (existing && !Array.isArray(existing))) continue;
      const enforcementGroup = { matcher: '', hooks: [handler] };
      if (existing) existing.splice(at % (existing.length + 1), 0, enforcementGroup);
      else dirty.hooks = { ...(hooksObject ?? {}), [event]: [enforcementGroup] };
      count++;
    } else if (what === 'event' || what === 'session-key') {
      // A whole event as a bare command, or the old framework's session key under `hooks`, in one of its shapes.
      const key = what === 'event' ? event : 'onSessionStart';
      if (emptyHooks || (hooksObject && Object.hasOwn(hooksObject, key))) continue;
      const session =
        shape === 'object'
          ? { command: 'python3 .claude/hooks/session-start.py', description: 'Start timers' }
          : [{ command }];
      dirty.hooks = { ...(hooksObject ?? {}), [key]: what === 'event' ? command : session };
      count++;
    }
  }
  for (const key of invalid.keys) {
    const entries = Object.entries(dirty);
    entries.splice(invalid.at % (entries.length + 1), 0, [key, { command: 'python3 .claude/hooks/session-start.py' }]);
    dirty = Object.fromEntries(entries);
    count++;
  }
  return { dirty, count };
}

describe('the migration on random settings in random formatting', () => {
  it('leaves settings without enforcement exactly as they are', () => {
    fc.assert(
      fc.property(userSettings, formats, (settings, style) => {
        const source = format(settings, style);
        expect(migrateSettingsText(source, FILE)).toEqual({ text: source, findings: [], scripts: [] });
      }),
      RUNS,
    );
  });

  it('takes out exactly the enforcement woven in, byte for byte, leaving every other hook untouched, and is idempotent', () => {
    fc.assert(
      fc.property(
        userSettings,
        fc.array(injection, { maxLength: 5 }),
        invalidKeys,
        formats,
        (settings, injections, invalid, style) => {
          const { dirty, count } = withEnforcement(settings, injections, invalid);
          const once = migrateSettingsText(format(dirty, style), FILE);
          expect(once.text).toBe(format(settings, style));
          expect(once.findings).toHaveLength(count);
          expect(migrateSettingsText(once.text, FILE)).toEqual({ text: once.text, findings: [], scripts: [] });
        },
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Strict JSON

const JSON_NOISE = [...'{}[],:"\\/*\n 0123456789.-eEtrufalsn'];
/** Valid JSON with a few random characters inserted or deleted: mostly invalid, sometimes not. */
const nearlyJson = fc
  .tuple(
    fc.json(),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...JSON_NOISE), fc.boolean()), { minLength: 1, maxLength: 3 }),
  )
  .map(([json, edits]) =>
    edits.reduce((source, [position, char, insert]) => {
      const at = position % (source.length + 1);
      return insert ? source.slice(0, at) + char + source.slice(at) : source.slice(0, at) + source.slice(at + 1);
    }, json),
  );

describe('parseStrictJson', () => {
  it('accepts exactly what JSON.parse accepts (but for duplicate keys), with the same result', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), nearlyJson), (source) => {
        let expected: unknown;
        try {
          expected = JSON.parse(source);
        } catch {
          expect(() => parseStrictJson(source, 'x.json')).toThrow(AiPackError);
          return;
        }
        let parsed: unknown;
        try {
          parsed = parseStrictJson(source, 'x.json');
        } catch (error) {
          // Valid JSON is refused only for a key that appears twice in one object, which JSON.parse lets pass.
          const key = /the key ("(?:[^"\\]|\\.)*") appears twice/.exec((error as Error).message)?.[1];
          expect(key, (error as Error).message).toBeDefined();
          expect(source.split(key!).length).toBeGreaterThan(2);
          return;
        }
        expect(text(parsed)).toBe(text(expected));
      }),
      { numRuns: 1000 },
    );
  });
});
