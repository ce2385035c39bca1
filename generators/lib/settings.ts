import { AiPackError } from './errors.js';
import { isJsonObject, type JsonObject, locationOf, parseStrictJson, sameJson } from './strict-json.js';

/**
 * Reading, merging and un-merging `.claude/settings.json`, and removing what the enforcement-era
 * framework left in it. Pure: strings and objects in, new strings and objects out; inputs are never mutated.
 */

export function parseSettings(text: string, file: string): JsonObject {
  const settings = parseStrictJson(text, file);
  if (!isJsonObject(settings)) {
    const where = locationOf(file, text, text.search(/\S/));
    throw new AiPackError(
      `${where}: the top level must be a JSON object ({ ... }), not ${kindOf(settings)}. Fix it and run again; no file was changed.`,
    );
  }
  return settings;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}

export function serializeSettings(settings: JsonObject): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/**
 * True when a merge or removal changed nothing, so the caller leaves the file alone: its bytes, its
 * formatting and its mtime. Compares content, not text, because the user's file may be formatted differently.
 */
export function sameSettings(before: JsonObject, after: JsonObject): boolean {
  return sameJson(before, after);
}

// ---------------------------------------------------------------------------------------------
// Polite merge

/**
 * One thing the pack put into the user's settings; the install manifest keeps the list so that
 * uninstall can take exactly these out again. `path` is a JSON pointer (RFC 6901).
 */
export type SettingsAddition =
  /** A key the user did not have: its whole value is the pack's. */
  | { path: string; value: unknown }
  /** Entries appended to an array the user already had (permission rules). */
  | { path: string; items: unknown[] };
export type SettingsAdditions = SettingsAddition[];

/**
 * Adds to `user` only what it lacks from `pack`: missing keys (at the end), missing array entries
 * (appended, never duplicated). Every value the user has wins, even of another type. `added` lists
 * exactly what was added; merging the same pack again adds nothing.
 */
export function mergeSettings(user: JsonObject, pack: JsonObject): { settings: JsonObject; added: SettingsAdditions } {
  const settings = structuredClone(user);
  const added: SettingsAdditions = [];
  mergeInto(settings, pack, '', added);
  return { settings, added };
}

function mergeInto(target: JsonObject, source: JsonObject, path: string, added: SettingsAdditions): void {
  for (const [key, value] of Object.entries(source)) {
    const keyPath = `${path}/${escapePointerSegment(key)}`;
    const current = target[key];
    if (!Object.hasOwn(target, key)) {
      defineKey(target, key, structuredClone(value));
      added.push({ path: keyPath, value: structuredClone(value) });
    } else if (isJsonObject(current) && isJsonObject(value)) {
      mergeInto(current, value, keyPath, added);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      const items = value.filter((item, index) => !includesJson(current, item) && firstOf(value, item) === index);
      current.push(...structuredClone(items));
      if (items.length > 0) added.push({ path: keyPath, items: structuredClone(items) });
    }
  }
}

/**
 * Takes out of `settings` what `added` records and is still there, newest addition first (an
 * update may have appended to an array an earlier install created). Values the user changed stay.
 */
export function unmergeSettings(settings: JsonObject, added: SettingsAdditions): JsonObject {
  const result = structuredClone(settings);
  for (const addition of added.toReversed()) {
    const slot = slotAt(result, addition.path);
    if (!slot) continue; // the user removed it already
    const { parent, key } = slot;
    if ('items' in addition) {
      // The array itself was the user's: it stays, even when empty.
      if (Array.isArray(parent[key])) removeItems(parent[key], addition.items);
    } else if (takeOut(parent[key], addition.value)) {
      delete parent[key];
    }
  }
  return result;
}

/**
 * The part of earlier additions that `pack` no longer ships (say, the rules for a test command the user
 * has since changed): what an update takes back out with `unmergeSettings` before merging the new pack.
 */
export function retiredAdditions(added: SettingsAdditions, pack: JsonObject): SettingsAdditions {
  return added.flatMap((addition): SettingsAdditions => {
    const slot = slotAt(pack, addition.path);
    const shipped = slot ? slot.parent[slot.key] : undefined;
    if ('items' in addition) {
      const items = notShipped(addition.items, shipped) as unknown[] | undefined;
      return items === undefined ? [] : [{ path: addition.path, items }];
    }
    const value = notShipped(addition.value, shipped);
    return value === undefined ? [] : [{ path: addition.path, value }];
  });
}

/** What of `added` is not in `shipped`: recursively for objects, by entry for arrays; undefined for nothing. */
function notShipped(added: unknown, shipped: unknown): unknown {
  if (isJsonObject(added) && isJsonObject(shipped)) {
    const rest = Object.entries(added)
      .map(([key, value]) => [key, notShipped(value, Object.hasOwn(shipped, key) ? shipped[key] : undefined)] as const)
      .filter(([, value]) => value !== undefined);
    return rest.length === 0 ? undefined : Object.fromEntries(rest);
  }
  if (Array.isArray(added) && Array.isArray(shipped)) {
    const items = added.filter((item) => !includesJson(shipped, item));
    return items.length === 0 ? undefined : items;
  }
  return sameJson(added, shipped) ? undefined : added;
}

/**
 * Removes from `current`, in place, what the pack's `added` value put there. True when nothing is
 * left, so the caller drops it: a container the pack created goes only once the user has nothing in it.
 */
function takeOut(current: unknown, added: unknown): boolean {
  if (isJsonObject(current) && isJsonObject(added)) {
    for (const [key, value] of Object.entries(added)) {
      if (Object.hasOwn(current, key) && takeOut(current[key], value)) delete current[key];
    }
    return Object.keys(current).length === 0;
  }
  if (Array.isArray(current) && Array.isArray(added)) {
    removeItems(current, added);
    return current.length === 0;
  }
  return sameJson(current, added);
}

/** Removes one occurrence per item, the last one: the pack appends, so its entries sit at the end. */
function removeItems(array: unknown[], items: unknown[]): void {
  for (const item of items) {
    const index = array.findLastIndex((entry) => sameJson(entry, item));
    if (index >= 0) array.splice(index, 1);
  }
}

function includesJson(array: unknown[], item: unknown): boolean {
  return array.some((entry) => sameJson(entry, item));
}

function firstOf(array: unknown[], item: unknown): number {
  return array.findIndex((entry) => sameJson(entry, item));
}

/** The object holding the key a pointer names, if the whole path still exists. */
function slotAt(root: JsonObject, pointer: string): { parent: JsonObject; key: string } | undefined {
  const keys = pointer.split('/').slice(1).map(unescapePointerSegment);
  const key = keys.pop();
  let parent: unknown = root;
  for (const step of keys) {
    if (!isJsonObject(parent) || !Object.hasOwn(parent, step)) return undefined;
    parent = parent[step];
  }
  return isJsonObject(parent) && key !== undefined && Object.hasOwn(parent, key) ? { parent, key } : undefined;
}

function escapePointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapePointerSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Plain assignment of a key named `__proto__` would change the prototype instead of adding the key. */
function defineKey(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// Migration away from the enforcement-era framework

/** Hook scripts of the old framework that block work (exit code 2), by file name. */
const ENFORCEMENT_SCRIPTS: Record<string, string> = {
  'orchestrator-enforcement.py':
    "the old framework's enforcement hook: it guessed from recent messages whether the orchestrator role was active and blocked execution tools (exit 2)",
  'check-task-packet.py': "the old framework's task-packet gate: it blocked work (exit 2) when no task packet existed",
};
const SCRIPT_NAMES = Object.keys(ENFORCEMENT_SCRIPTS).map((name) => name.replaceAll('.', '\\.')).join('|');
/** The script's file name as a whole word of the command: `my-check-task-packet.py` is someone else's. */
const ENFORCEMENT_COMMAND = new RegExp(`(?:^|[\\s"'/\\\\])(${SCRIPT_NAMES})(?![\\w.-])`);
/**
 * A script inside the repository's `.claude/hooks/`: relative, `./`, or under `$CLAUDE_PROJECT_DIR`.
 * `~/.claude/hooks/` and other absolute paths are not the repository's, so they are never moved.
 */
const REPO_HOOK_SCRIPT = new RegExp(
  `(?:^|[\\s"'=]|\\./|\\$\\{?CLAUDE_PROJECT_DIR\\}?"?[/\\\\])\\.claude[/\\\\]hooks[/\\\\](${SCRIPT_NAMES})(?![\\w.-])`,
);

/** Top-level keys the old framework wrote, mapped to the hook event the client actually knows. */
const INVALID_TOP_LEVEL_KEYS: Record<string, string> = { onSessionStart: 'SessionStart', onSessionEnd: 'SessionEnd' };

export type EnforcementFinding =
  | {
      kind: 'hook';
      event: string;
      /** Indexes in the settings as they were read. */
      group: number;
      handler: number;
      command: string;
      /** Repository-relative path of the script, when it lives in the repository's `.claude/hooks/`. */
      script?: string;
      explanation: string;
    }
  | { kind: 'invalid-key'; path: string; explanation: string };

export function findEnforcement(settings: JsonObject): EnforcementFinding[] {
  return removeEnforcement(settings).findings;
}

/**
 * Removes the old framework's blocking hooks and the keys the client rejects; every other hook stays
 * exactly as it was. A matcher group, event list or `hooks` object left empty by the removal goes too
 * (one that was already empty stays). `scripts` are the repository's hook scripts those hooks ran.
 */
export function removeEnforcement(settings: JsonObject): {
  settings: JsonObject;
  findings: EnforcementFinding[];
  scripts: string[];
} {
  const result = structuredClone(settings);
  const findings: EnforcementFinding[] = [];
  for (const [key, event] of Object.entries(INVALID_TOP_LEVEL_KEYS)) {
    if (!Object.hasOwn(result, key)) continue;
    delete result[key];
    findings.push({
      kind: 'invalid-key',
      path: `/${key}`,
      explanation: `"${key}" is not a Claude Code setting (session hooks go under "hooks" → "${event}"); the client reports it as invalid.`,
    });
  }
  const hooks = result.hooks;
  if (isJsonObject(hooks) && removeFromHooks(hooks, findings)) delete result.hooks;
  const scripts = findings.flatMap((finding) => (finding.kind === 'hook' && finding.script ? [finding.script] : []));
  return { settings: result, findings, scripts: [...new Set(scripts)] };
}

/** True when removing emptied the whole `hooks` object. */
function removeFromHooks(hooks: JsonObject, findings: EnforcementFinding[]): boolean {
  let removedAnEvent = false;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const kept = groups.filter((group, index) => !removeFromGroup(event, group, index, findings));
    if (kept.length === groups.length) continue;
    if (kept.length > 0) hooks[event] = kept;
    else {
      delete hooks[event];
      removedAnEvent = true;
    }
  }
  return removedAnEvent && Object.keys(hooks).length === 0;
}

/** Cleans one matcher group in place; true when removing its handlers left it with none. */
function removeFromGroup(event: string, group: unknown, index: number, findings: EnforcementFinding[]): boolean {
  if (!isJsonObject(group)) return false;
  if (Object.hasOwn(group, 'description')) {
    delete group.description;
    findings.push({
      kind: 'invalid-key',
      path: `/hooks/${escapePointerSegment(event)}/${index}/description`,
      explanation: `"description" is not allowed in a ${event} matcher group (only "matcher" and "hooks"); the client reports it as invalid.`,
    });
  }
  if (!Array.isArray(group.hooks)) return false;
  const handlers = group.hooks;
  const kept = handlers.filter((handler, handlerIndex) => {
    const finding = enforcementHook(event, index, handlerIndex, handler);
    if (finding) findings.push(finding);
    return !finding;
  });
  if (kept.length === handlers.length) return false;
  group.hooks = kept;
  return kept.length === 0;
}

function enforcementHook(event: string, group: number, handler: number, hook: unknown): EnforcementFinding | undefined {
  if (!isJsonObject(hook) || typeof hook.command !== 'string') return undefined;
  const command = hook.command;
  const name = ENFORCEMENT_COMMAND.exec(command)?.[1];
  if (!name) return undefined;
  const inRepo = REPO_HOOK_SCRIPT.exec(command);
  return {
    kind: 'hook',
    event,
    group,
    handler,
    command,
    ...(inRepo && { script: `.claude/hooks/${inRepo[1]}` }),
    explanation: `${event} hook runs ${name}, ${ENFORCEMENT_SCRIPTS[name]}.`,
  };
}
