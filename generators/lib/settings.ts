import { AiPackError } from './errors.js';
import {
  appendItem,
  appendProperty,
  type JSONPath,
  JsonRemovals,
  type Node,
  nodeAt,
  removeAll,
  valueAt,
} from './json-edit.js';
import { isJsonObject, type JsonObject, locationOf, parseStrictJson, sameJson } from './strict-json.js';

/**
 * `.claude/settings.json` as text: the pack's entries go in, come out and are migrated by editing the
 * text in place, so every byte of the user's (indent, line ends, number forms, key order) stays.
 * Pure: strings and values in, strings and values out.
 */

/** Strict JSON, no key twice in one object, an object at the top level; else an AiPackError, nothing changed. */
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

// ---------------------------------------------------------------------------------------------
// What the pack put in, as the install record keeps it

/**
 * Something the pack put into the user's settings (or, in `declined`, would have and the user took
 * out). `path` is a JSON pointer (RFC 6901).
 */
export type SettingsAddition =
  /** A key the user did not have: its whole value is the pack's, containers included. */
  | { path: string; value: unknown }
  /** Entries appended to an array the user already had (permission rules). */
  | { path: string; items: unknown[] };
export type SettingsAdditions = SettingsAddition[];

/**
 * The smallest piece an addition is made of: one array entry, or one other value (a string, a number,
 * an empty object or array). The user keeps or deletes pieces one by one, and the pack ships them so.
 */
export interface Piece {
  kind: 'item' | 'value';
  /** Keys from the top level to the array (item) or to the key (value). */
  keys: string[];
  value: unknown;
}

export const pieceId = (piece: Piece) => JSON.stringify([piece.kind, piece.keys, piece.value]);

function piecesOfAddition(addition: SettingsAddition): Piece[] {
  const keys = keysOf(addition.path);
  if ('items' in addition) return addition.items.map((value) => ({ kind: 'item', keys, value }));
  return piecesOfValue(keys, addition.value);
}

function piecesOfValue(keys: string[], value: unknown): Piece[] {
  if (isJsonObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, inner]) => piecesOfValue([...keys, key], inner));
  }
  if (Array.isArray(value) && value.length > 0) return value.map((item) => ({ kind: 'item', keys, value: item }));
  return [{ kind: 'value', keys, value }];
}

/** The pieces a whole settings object is made of (the top level itself is no piece). */
export function piecesOf(settings: JsonObject): Piece[] {
  return Object.entries(settings).flatMap(([key, value]) => piecesOfValue([key], value));
}

/** `addition` with only the pieces `keep` accepts; undefined when none is left. */
/** The part of an addition whose pieces `keep` accepts; `shells`: containers the pack created stay, emptied, so uninstall can take them out. */
function filterAddition(
  addition: SettingsAddition,
  keep: (piece: Piece) => boolean,
  shells = false,
): SettingsAddition | undefined {
  const keys = keysOf(addition.path);
  if ('items' in addition) {
    const items = addition.items.filter((value) => keep({ kind: 'item', keys, value }));
    return items.length === 0 ? undefined : { path: addition.path, items };
  }
  const value = filterValue(keys, addition.value, keep, shells);
  return value === undefined ? undefined : { path: addition.path, value };
}

function filterValue(keys: string[], value: unknown, keep: (piece: Piece) => boolean, shells: boolean): unknown {
  if (isJsonObject(value) && Object.keys(value).length > 0) {
    const entries = Object.entries(value)
      .map(([key, inner]) => [key, filterValue([...keys, key], inner, keep, shells)] as const)
      .filter(([, inner]) => inner !== undefined);
    return entries.length === 0 && !shells ? undefined : Object.fromEntries(entries);
  }
  if (Array.isArray(value) && value.length > 0) {
    const items = value.filter((item) => keep({ kind: 'item', keys, value: item }));
    return items.length === 0 && !shells ? undefined : items;
  }
  return keep({ kind: 'value', keys, value }) ? value : undefined;
}

/** The additions split by piece: what `owned` accepts, and the rest. */
export function splitAdditions(
  additions: SettingsAdditions,
  owned: (piece: Piece) => boolean,
): { owned: SettingsAdditions; other: SettingsAdditions } {
  const part = (keep: (piece: Piece) => boolean) =>
    additions.flatMap((addition) => filterAddition(addition, keep) ?? []);
  return { owned: part(owned), other: part((piece) => !owned(piece)) };
}

/** Pieces back into additions: array entries grouped by array, in order; other values one each. */
function additionsOf(pieces: Piece[]): SettingsAdditions {
  const additions: SettingsAdditions = [];
  const arrays = new Map<string, unknown[]>();
  for (const piece of pieces) {
    const path = pointerOf(piece.keys);
    if (piece.kind === 'value') additions.push({ path, value: piece.value });
    else if (arrays.has(path)) arrays.get(path)!.push(piece.value);
    else {
      const items = [piece.value];
      arrays.set(path, items);
      additions.push({ path, items });
    }
  }
  return additions;
}

/**
 * Whether the settings hold a piece (the entry is in the array, or the key holds that value): one lookup in
 * an index of their pieces, so a record of thousands of entries costs no scan of the lists per entry.
 */
function holdsIn(settings: JsonObject): (piece: Piece) => boolean {
  const held = new Set(piecesOf(settings).map(pieceId));
  return (piece) => held.has(pieceId(piece));
}

function includesJson(array: unknown[], item: unknown): boolean {
  return array.some((entry) => sameJson(entry, item));
}

function keysOf(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function pointerOf(keys: readonly (string | number)[]): string {
  return keys.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

// ---------------------------------------------------------------------------------------------
// Install and update

export interface SettingsUpdateInput {
  /** The file as it is; undefined when there is none. */
  text: string | undefined;
  /** For messages, e.g. `.claude/settings.json`. */
  file: string;
  /** What the pack ships now (from packSettings()). */
  pack: JsonObject;
  /** What the install record says the pack added earlier (empty on a first install). */
  recorded: SettingsAdditions;
  /** Pack entries the user deleted earlier: they stay deleted. */
  declined: SettingsAdditions;
  /** Take out the enforcement era's leftovers (default): for `.claude/settings.json` only, not a client's own config. */
  migrate?: boolean;
}

export interface SettingsUpdate {
  /** The new text; the very input text when nothing changes; undefined when there was no file and none is needed. */
  text: string | undefined;
  /** What the record should now say the pack added: retired entries and the user's deletions are no longer in it. */
  recorded: SettingsAdditions;
  /** Pack entries the user has deleted (earlier or since the last run) that the pack still ships. */
  declined: SettingsAdditions;
  /** What this run added. */
  added: SettingsAdditions;
  /** What this run took out: entries the pack added before and no longer ships. Empty unless something was removed. */
  retired: SettingsAdditions;
  /** The enforcement-era cleanup done in the same edit. */
  migration: { findings: EnforcementFinding[]; scripts: string[] };
}

/**
 * Brings the pack's entries in the user's settings up to date, editing the text in place:
 * - the enforcement era's leftovers go (see migrateSettingsText);
 * - a recorded entry the user deleted is not put back: it moves to `declined`;
 * - a recorded entry the pack no longer ships is taken out (`retired`) and leaves the record, so a copy
 *   the user writes later is theirs;
 * - what the pack ships and the settings lack is appended, unless the user declined it; every value of
 *   the user's wins, even of another type, and an entry the user has is never added twice.
 * Running it again on its own result changes nothing.
 */
export function updateSettingsText(input: SettingsUpdateInput): SettingsUpdate {
  const migrated =
    input.text === undefined
      ? undefined
      : input.migrate === false
        ? checkedAsIs(input.text, input.file)
        : migrateSettingsText(input.text, input.file);
  // No file yet: start from an empty object, and write a file only if the pack has something to add.
  let text = migrated?.text ?? '{}\n';
  const shipped = new Set(piecesOf(input.pack).map(pieceId));
  const heldBefore = holdsIn(JSON.parse(text) as JsonObject);

  const recorded: SettingsAdditions = [];
  const retired: SettingsAdditions = [];
  const deletedByUser: Piece[] = [];
  const declinedBefore = new Set(input.declined.flatMap(piecesOfAddition).map(pieceId));
  for (const addition of input.recorded) {
    // A piece the user deleted stays in the record (and goes to `declined`): uninstall still knows the
    // container around it was the pack's. One the user wrote back by hand after declining it is theirs.
    const kept = filterAddition(
      addition,
      (piece) => shipped.has(pieceId(piece)) && !(heldBefore(piece) && declinedBefore.has(pieceId(piece))),
    );
    const retiring = filterAddition(addition, (piece) => heldBefore(piece) && !shipped.has(pieceId(piece)));
    if (kept) recorded.push(kept);
    if (retiring) retired.push(retiring);
    deletedByUser.push(...piecesOfAddition(addition).filter((piece) => !heldBefore(piece)));
  }
  const retirement = new JsonRemovals(text);
  for (const addition of retired.toReversed()) takeOut(retirement, addition);
  text = retirement.text();

  const declinedIds = new Set([...input.declined.flatMap(piecesOfAddition), ...deletedByUser].map(pieceId));
  const added: SettingsAdditions = [];
  text = mergeInto(text, [], input.pack, (piece) => !declinedIds.has(pieceId(piece)), added);
  recorded.push(...added);

  const heldAfter = holdsIn(JSON.parse(text) as JsonObject);
  const declined = uniquePieces([...input.declined.flatMap(piecesOfAddition), ...deletedByUser]).filter(
    (piece) => shipped.has(pieceId(piece)) && !heldAfter(piece),
  );
  const unchanged = input.text === undefined ? added.length === 0 && retired.length === 0 : text === input.text;
  return {
    text: unchanged ? input.text : text,
    recorded,
    declined: additionsOf(declined),
    added,
    retired,
    migration: { findings: migrated?.findings ?? [], scripts: migrated?.scripts ?? [] },
  };
}

/** The text checked as the settings must be, with nothing migrated. */
function checkedAsIs(text: string, file: string): { text: string; findings: EnforcementFinding[]; scripts: string[] } {
  parseSettings(text, file);
  return { text, findings: [], scripts: [] };
}

function uniquePieces(pieces: Piece[]): Piece[] {
  const seen = new Set<string>();
  return pieces.filter((piece) => !seen.has(pieceId(piece)) && seen.add(pieceId(piece)));
}

/** Appends to the object at `keys` what `pack` has and it lacks; pushes each addition onto `added`. */
function mergeInto(
  text: string,
  keys: string[],
  pack: JsonObject,
  wanted: (piece: Piece) => boolean,
  added: SettingsAdditions,
): string {
  for (const [key, packValue] of Object.entries(pack)) {
    const path = [...keys, key];
    if (!nodeAt(text, path)) {
      const value = filterValue(path, packValue, wanted, false);
      if (value === undefined) continue;
      text = appendProperty(text, keys, key, value);
      added.push({ path: pointerOf(path), value });
      continue;
    }
    const current = valueAt(text, path);
    if (isJsonObject(current) && isJsonObject(packValue)) {
      text = mergeInto(text, path, packValue, wanted, added);
    } else if (Array.isArray(current) && Array.isArray(packValue)) {
      const items = packValue.filter(
        (item, index) =>
          !includesJson(current, item) &&
          packValue.findIndex((other) => sameJson(other, item)) === index &&
          wanted({ kind: 'item', keys: path, value: item }),
      );
      for (const item of items) text = appendItem(text, path, item);
      if (items.length > 0) added.push({ path: pointerOf(path), items });
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Uninstall

/**
 * The settings with exactly the pack's entries taken out, newest addition first (an update may have
 * appended to an array an earlier install created). A value the user changed stays; a container the
 * pack created goes once nothing of the user's is in it; an array of the user's stays, even empty.
 */
export function removeSettingsText(
  text: string,
  recorded: SettingsAdditions,
  file: string,
  declined: SettingsAdditions = [],
): { text: string } {
  parseSettings(text, file);
  // A declined piece the file holds again was written back by the user: it stays, though its container may go.
  const declinedIds = new Set(declined.flatMap(piecesOfAddition).map(pieceId));
  // One parse for every entry, however many the record lists: a removal is a mark, the text is rebuilt once.
  const removals = new JsonRemovals(text);
  for (const addition of recorded.toReversed()) {
    const ours = filterAddition(addition, (piece) => !declinedIds.has(pieceId(piece)), true);
    if (ours) takeOut(removals, ours);
  }
  return { text: removals.text() };
}

function takeOut(removals: JsonRemovals, addition: SettingsAddition): void {
  const keys = keysOf(addition.path);
  if ('items' in addition) {
    const array = removals.at(keys);
    if (array?.type === 'array') removeItems(removals, array, addition.items);
  } else takeOutValue(removals, keys, addition.value);
}

function takeOutValue(removals: JsonRemovals, keys: string[], added: unknown): void {
  const current = removals.at(keys);
  if (!current) return; // the user removed it already
  if (current.type === 'object' && isJsonObject(added)) {
    for (const [key, value] of Object.entries(added)) takeOutValue(removals, [...keys, key], value);
    if (removals.isEmpty(current)) removals.remove(current);
  } else if (current.type === 'array' && Array.isArray(added)) {
    removeItems(removals, current, added);
    if (removals.isEmpty(current)) removals.remove(current);
  } else if (current.type !== 'object' && current.type !== 'array' && sameJson(removals.valueOf(current), added)) {
    removals.remove(current);
  }
}

/** Removes one occurrence per item, the last one: the pack appends, so its entries sit at the end. */
function removeItems(removals: JsonRemovals, array: Node, items: unknown[]): void {
  for (const item of items) {
    const entry = removals.lastEntry(array, item);
    if (entry) removals.remove(entry);
  }
}

// ---------------------------------------------------------------------------------------------
// Migration away from the enforcement-era framework

/** Hook scripts of the old framework that block work (exit code 2), by file name. */
const ENFORCEMENT_SCRIPTS: Record<string, string> = {
  'orchestrator-enforcement.py':
    "the old framework's enforcement hook: it guessed from recent messages whether the orchestrator role was active and blocked execution tools (exit 2)",
  'check-task-packet.py': "the old framework's task-packet gate: it blocked work (exit 2) when no task packet existed",
};
const SCRIPT_NAMES = Object.keys(ENFORCEMENT_SCRIPTS)
  .map((name) => name.replaceAll('.', '\\.'))
  .join('|');
/** The script's file name as a whole word of the command: `my-check-task-packet.py` is someone else's. */
const ENFORCEMENT_COMMAND = new RegExp(`(?:^|[\\s"'/\\\\])(${SCRIPT_NAMES})(?![\\w.-])`);
/**
 * A script inside the repository's `.claude/hooks/`: relative, `./`, or under `$CLAUDE_PROJECT_DIR`.
 * `~/.claude/hooks/` and other absolute paths are not the repository's, so they are never moved.
 */
const REPO_HOOK_SCRIPT = new RegExp(
  `(?:^|[\\s"'=]|\\./|\\$\\{?CLAUDE_PROJECT_DIR\\}?"?[/\\\\])\\.claude[/\\\\]hooks[/\\\\](${SCRIPT_NAMES})(?![\\w.-])`,
);

/** Keys the old framework wrote, at the top level and under `hooks`, mapped to the hook event the client knows. */
export const OLD_SESSION_KEYS: Record<string, string> = { onSessionStart: 'SessionStart', onSessionEnd: 'SessionEnd' };

export type EnforcementFinding =
  | {
      kind: 'hook';
      /** JSON pointer, in the settings as they were read, of what is removed (a handler, a group or an event). */
      path: string;
      event: string;
      command: string;
      /** Repository-relative path of the script, when it lives in the repository's `.claude/hooks/`. */
      script?: string;
      explanation: string;
    }
  | { kind: 'invalid-key'; path: string; explanation: string };

interface MigrationPlan {
  /** What to take out, each a path in the settings as read. */
  removals: JSONPath[];
  findings: EnforcementFinding[];
  /** Every string inside what is taken out: where the scripts to move are named. */
  removedStrings: string[];
}

/** What the migration would do to these settings, one finding per thing it takes out (for `status`). */
export function findEnforcement(settings: JsonObject): EnforcementFinding[] {
  return planMigration(settings).findings;
}

/**
 * Takes out, by editing the text, what the enforcement-era framework left and the client rejects or
 * runs to block work:
 * - `onSessionStart` / `onSessionEnd`, at the top level and under `hooks`, in any shape;
 * - every hook whose command runs orchestrator-enforcement.py or check-task-packet.py: a handler, a
 *   command written as a string or an array, a group or event in an odd shape;
 * - `description` in a matcher group or a command handler.
 * A matcher group, event list or `hooks` object the removal empties goes too (one empty already stays);
 * every other byte stays. `scripts` are the repository's hook scripts those hooks ran, minus any the
 * remaining settings still name.
 */
export function migrateSettingsText(
  text: string,
  file: string,
): { text: string; findings: EnforcementFinding[]; scripts: string[] } {
  const settings = parseSettings(text, file);
  const { removals, findings, removedStrings } = planMigration(settings);
  const result = removeAll(text, removals);
  const stillNamed = new Set(stringsIn(JSON.parse(result)).flatMap(repoScripts));
  const scripts = [...new Set(removedStrings.flatMap(repoScripts))].filter((script) => !stillNamed.has(script));
  return { text: result, findings, scripts };
}

function planMigration(settings: JsonObject): MigrationPlan {
  const plan: MigrationPlan = { removals: [], findings: [], removedStrings: [] };
  for (const key of Object.keys(OLD_SESSION_KEYS)) {
    if (Object.hasOwn(settings, key)) removeOldSessionKey(plan, [key], settings[key]);
  }
  const hooks = settings.hooks;
  if (!isJsonObject(hooks)) return plan;
  const events = Object.keys(hooks);
  const removedEvents = events.filter((event) => planEvent(plan, event, hooks[event]));
  if (removedEvents.length > 0 && removedEvents.length === events.length) {
    // The removal emptied `hooks`: it goes as a whole.
    plan.removals = plan.removals.filter((path) => path[0] !== 'hooks');
    plan.removals.push(['hooks']);
  }
  return plan;
}

function removeOldSessionKey(plan: MigrationPlan, path: string[], value: unknown): void {
  const key = path.at(-1)!;
  plan.removals.push(path);
  plan.removedStrings.push(...stringsIn(value));
  plan.findings.push({
    kind: 'invalid-key',
    path: pointerOf(path),
    explanation: `"${key}" is not a Claude Code ${path.length === 1 ? 'setting' : 'hook event'} (session hooks go under "hooks" → "${OLD_SESSION_KEYS[key]}"); the client reports it as invalid.`,
  });
}

/** Plans the cleanup of one event; true when it removes the event as a whole. */
function planEvent(plan: MigrationPlan, event: string, groups: unknown): boolean {
  const path = ['hooks', event];
  if (Object.hasOwn(OLD_SESSION_KEYS, event)) {
    removeOldSessionKey(plan, path, groups);
    return true;
  }
  if (!Array.isArray(groups)) {
    // An odd shape (a command string, one object): removed whole when it runs enforcement.
    return removeIfEnforcement(plan, event, path, groups);
  }
  const before = plan.removals.length;
  const removed = groups.filter((group, index) => planGroup(plan, event, [...path, index], group));
  if (removed.length === 0 || removed.length < groups.length) return false;
  plan.removals.splice(before);
  plan.removals.push(path);
  return true;
}

/** Plans the cleanup of one matcher group; true when it removes the group as a whole. */
function planGroup(plan: MigrationPlan, event: string, path: JSONPath, group: unknown): boolean {
  const groupRule = `a ${event} matcher group allows only "matcher" and "hooks"`;
  if (!isJsonObject(group) || !Array.isArray(group.hooks)) {
    // An odd shape (a command string, a group without a list of handlers): removed whole when it runs enforcement.
    if (removeIfEnforcement(plan, event, path, group)) return true;
    if (isJsonObject(group)) removeDescription(plan, path, group, groupRule);
    return false;
  }
  const before = plan.removals.length;
  removeDescription(plan, path, group, groupRule);
  const handlers = group.hooks;
  const removed = handlers.filter((handler, index) => {
    const handlerPath = [...path, 'hooks', index];
    if (removeIfEnforcement(plan, event, handlerPath, handler)) return true;
    if (isJsonObject(handler)) removeDescription(plan, handlerPath, handler, 'a command hook has no such key');
    return false;
  });
  if (removed.length === 0 || removed.length < handlers.length) return false;
  plan.removals.splice(before);
  plan.removals.push(path);
  return true;
}

function removeDescription(plan: MigrationPlan, path: JSONPath, owner: JsonObject, why: string): void {
  if (!Object.hasOwn(owner, 'description')) return;
  plan.removals.push([...path, 'description']);
  plan.findings.push({
    kind: 'invalid-key',
    path: pointerOf([...path, 'description']),
    explanation: `"description" is not allowed here (${why}); the client reports it as invalid.`,
  });
}

/** Plans removing `value` when any string in it runs an enforcement script; true when it does. */
function removeIfEnforcement(plan: MigrationPlan, event: string, path: JSONPath, value: unknown): boolean {
  const strings = stringsIn(value);
  const name = strings.map((string) => ENFORCEMENT_COMMAND.exec(string)?.[1]).find(Boolean);
  if (!name) return false;
  const command = commandOf(value) ?? strings.find((string) => ENFORCEMENT_COMMAND.test(string))!;
  const script = repoScripts(command)[0] ?? strings.flatMap(repoScripts)[0];
  plan.removals.push(path);
  plan.removedStrings.push(...strings);
  plan.findings.push({
    kind: 'hook',
    path: pointerOf(path),
    event,
    command,
    ...(script && { script }),
    explanation: `${event} hook runs ${name}, ${ENFORCEMENT_SCRIPTS[name]}.`,
  });
  return true;
}

/** The command a handler runs, as one line: a string, an array of words, or an object's `command`. */
function commandOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((word) => typeof word === 'string')) return value.join(' ');
  return isJsonObject(value) ? commandOf(value.command) : undefined;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  return isJsonObject(value) ? Object.values(value).flatMap(stringsIn) : [];
}

function repoScripts(command: string): string[] {
  const match = REPO_HOOK_SCRIPT.exec(command);
  return match ? [`.claude/hooks/${match[1]}`] : [];
}
