import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AiPackError } from '../../generators/lib/errors.js';
import { mergeSettings, removeEnforcement, retiredAdditions, unmergeSettings } from '../../generators/lib/settings.js';
import { isJsonObject, type JsonObject, parseStrictJson } from '../../generators/lib/strict-json.js';

const RUNS = { numRuns: 200 };
const pack = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/settings/pack.json'), 'utf8')) as JsonObject;
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

const EVENTS = ['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SubagentStart', 'SubagentStop', 'SessionStart', 'SessionEnd', 'PreCompact', 'Notification'];
const ENFORCEMENT_NAME = /orchestrator-enforcement\.py|check-task-packet\.py/;
const userCommand = fc
  .oneof(fc.constantFrom('npx prettier --write "$CLAUDE_FILE_PATHS"', 'python3 .claude/hooks/session-start.py', 'npm run lint'), fc.string())
  .filter((command) => !ENFORCEMENT_NAME.test(command));
const handler = shuffledKeys(
  fc.record(
    { type: fc.constant('command'), command: userCommand, timeout: fc.integer({ min: 1, max: 600 }), async: fc.boolean() },
    { requiredKeys: ['type', 'command'] },
  ),
);
const group = shuffledKeys(
  fc.record({ matcher: fc.constantFrom('', '*', 'Edit|Write', 'Bash'), hooks: fc.array(handler, { maxLength: 3 }) }, { requiredKeys: ['hooks'] }),
);
const hooks = fc.dictionary(fc.constantFrom(...EVENTS), fc.array(group, { maxLength: 3 }), { maxKeys: 4 });

const userSettings = shuffledKeys(
  fc.record(
    {
      $schema: fc.constantFrom('https://json.schemastore.org/claude-code-settings.json', 'https://example.com/old-schema.json'),
      model: fc.constantFrom('opus', 'sonnet', 'haiku'),
      permissions,
      env,
      hooks,
      includeCoAuthoredBy: fc.boolean(),
      cleanupPeriodDays: fc.integer({ min: 1, max: 365 }),
    },
    { requiredKeys: [] },
  ),
);

// ---------------------------------------------------------------------------------------------
// Merge

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

describe('mergeSettings on random user settings', () => {
  // A random "pack" exercises nested objects, hook arrays and clashing scalars the real pack lacks.
  const packs = fc.oneof(fc.constant(pack), userSettings);

  it('keeps every user key, rule, env value and hook, in order', () => {
    fc.assert(
      fc.property(userSettings, packs, (user, somePack) => {
        expectKeptInOrder(user, mergeSettings(user, somePack).settings);
      }),
      RUNS,
    );
  });

  it('gives every permission list the pack rules, each exactly once among the added ones', () => {
    fc.assert(
      fc.property(userSettings, (user) => {
        const merged = mergeSettings(user, pack).settings.permissions as Record<string, string[]>;
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

  it('merging twice equals merging once, and the second merge adds nothing', () => {
    fc.assert(
      fc.property(userSettings, packs, (user, somePack) => {
        const once = mergeSettings(user, somePack);
        const twice = mergeSettings(once.settings, somePack);
        expect(twice.added).toEqual([]);
        expect(text(twice.settings)).toBe(text(once.settings));
      }),
      RUNS,
    );
  });

  it('unmerge(merge(x)) gives back x exactly, key order included', () => {
    fc.assert(
      fc.property(userSettings, packs, (user, somePack) => {
        const { settings, added } = mergeSettings(user, somePack);
        expect(text(unmergeSettings(settings, added))).toBe(text(user));
      }),
      RUNS,
    );
  });

  it('an update to another pack keeps the user\'s settings, ships exactly the new pack, and uninstall still gives back x', () => {
    fc.assert(
      fc.property(userSettings, packs, packs, (user, before, after) => {
        const first = mergeSettings(user, before);
        const retired = retiredAdditions(first.added, after);
        const second = mergeSettings(unmergeSettings(first.settings, retired), after);
        expectKeptInOrder(user, second.settings);
        // No rule of the old pack is left that the new one does not ship, unless it was the user's.
        const allowOf = (settings: JsonObject) =>
          isJsonObject(settings.permissions) && Array.isArray(settings.permissions.allow) ? settings.permissions.allow : [];
        for (const rule of allowOf(before)) {
          if (!allowOf(after).includes(rule) && !allowOf(user).includes(rule)) expect(allowOf(second.settings)).not.toContain(rule);
        }
        expect(text(unmergeSettings(second.settings, [...first.added, ...second.added]))).toBe(text(user));
        expect(text(mergeSettings(second.settings, after).settings)).toBe(text(second.settings));
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
  what: fc.constantFrom('group', 'handler', 'description'),
  event: fc.constantFrom(...EVENTS),
  pick: fc.nat(),
  at: fc.nat(),
  command: fc.constantFrom(...ENFORCEMENT_COMMANDS),
});
const invalidKeys = fc.record({ keys: fc.subarray(['onSessionStart', 'onSessionEnd']), at: fc.nat() });

type Group = { hooks: unknown[] } & JsonObject;
type Injection = { what: string; event: string; pick: number; at: number; command: string };

/** `settings` with enforcement hooks and invalid keys woven in; returns how many things were added. */
function withEnforcement(
  settings: JsonObject,
  injections: Injection[],
  invalid: { keys: string[]; at: number },
): { dirty: JsonObject; count: number } {
  let dirty = structuredClone(settings);
  let count = 0;
  for (const { what, event, pick, at, command } of injections) {
    const hooksObject = isJsonObject(dirty.hooks) ? dirty.hooks : undefined;
    const groups = Object.values(hooksObject ?? {}).flat() as Group[];
    const handler = { type: 'command', command };
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
      if (existing?.length === 0 || (hooksObject && Object.keys(hooksObject).length === 0)) continue;
      const enforcementGroup = { matcher: '', hooks: [handler] };
      if (existing) existing.splice(at % (existing.length + 1), 0, enforcementGroup);
      else dirty.hooks = { ...(hooksObject ?? {}), [event]: [enforcementGroup] };
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

describe('removeEnforcement on random settings', () => {
  it('leaves settings without enforcement exactly as they are', () => {
    fc.assert(
      fc.property(userSettings, (settings) => {
        expect(removeEnforcement(settings)).toEqual({ settings, findings: [], scripts: [] });
        expect(text(removeEnforcement(settings).settings)).toBe(text(settings));
      }),
      RUNS,
    );
  });

  it('takes out exactly the enforcement woven in, leaving every other hook untouched, and is idempotent', () => {
    fc.assert(
      fc.property(userSettings, fc.array(injection, { maxLength: 5 }), invalidKeys, (settings, injections, invalid) => {
        const { dirty, count } = withEnforcement(settings, injections, invalid);
        const once = removeEnforcement(dirty);
        expect(text(once.settings)).toBe(text(settings));
        expect(once.findings).toHaveLength(count);
        const twice = removeEnforcement(once.settings);
        expect(twice.findings).toEqual([]);
        expect(text(twice.settings)).toBe(text(once.settings));
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Strict JSON

const JSON_NOISE = [...'{}[],:"\\/*\n 0123456789.-eEtrufalsn'];
/** Valid JSON with a few random characters inserted or deleted: mostly invalid, sometimes not. */
const nearlyJson = fc
  .tuple(fc.json(), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...JSON_NOISE), fc.boolean()), { minLength: 1, maxLength: 3 }))
  .map(([json, edits]) =>
    edits.reduce((source, [position, char, insert]) => {
      const at = position % (source.length + 1);
      return insert ? source.slice(0, at) + char + source.slice(at) : source.slice(0, at) + source.slice(at + 1);
    }, json),
  );

describe('parseStrictJson', () => {
  it('accepts exactly what JSON.parse accepts, with the same result', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), nearlyJson), (source) => {
        let expected: unknown;
        try {
          expected = JSON.parse(source);
        } catch {
          expect(() => parseStrictJson(source, 'x.json')).toThrow(AiPackError);
          return;
        }
        expect(text(parseStrictJson(source, 'x.json'))).toBe(text(expected));
      }),
      { numRuns: 1000 },
    );
  });
});
