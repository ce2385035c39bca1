import { AiPackError } from './errors.js';
import { JsonDocument, JsonRemovals, keysOf, type Node, pointerOf } from './json-edit.js';
import { type EnforcementFinding, planMigration, scriptsToMove } from './settings-migration.js';
import { isJsonObject, type JsonObject, locationOf, parseStrictJson, sameJson } from './strict-json.js';

/**
 * `.claude/settings.json` as text: the pack's entries go in, come out and are migrated by editing the
 * text in place, so every byte of the user's (indent, line ends, number forms, key order) stays. An update
 * is one pass of removals (the enforcement era's leftovers, settings-migration.ts, and the entries the pack
 * retires) from one parse, then the pack's new entries, appended one container at a time.
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
  /** Those of `declined` the input's `declined` did not list: deleted since the last run. */
  newlyDeclined: SettingsAdditions;
  /** What this run added. */
  added: SettingsAdditions;
  /** What this run took out: entries the pack added before and no longer ships. Empty unless something was removed. */
  retired: SettingsAdditions;
  /** The enforcement-era cleanup done in the same edit. */
  migration: { findings: EnforcementFinding[]; scripts: string[] };
}

/**
 * Brings the pack's entries in the user's settings up to date, editing the text in place:
 * - the enforcement era's leftovers go (see settings-migration.ts), every other byte staying;
 * - a recorded entry the user deleted is not put back: it moves to `declined`;
 * - a recorded entry the pack no longer ships is taken out (`retired`) and leaves the record, so a copy
 *   the user writes later is theirs;
 * - what the pack ships and the settings lack is appended, unless the user declined it; every value of
 *   the user's wins, even of another type, and an entry the user has is never added twice.
 * Running it again on its own result changes nothing.
 */
export function updateSettingsText(input: SettingsUpdateInput): SettingsUpdate {
  // No file yet: start from an empty object, and write a file only if the pack has something to add.
  const removals = new JsonRemovals(input.text ?? '{}\n');
  const before = input.text === undefined ? {} : parseSettings(input.text, input.file);
  const migration =
    input.migrate === false ? { findings: [], scripts: [], settings: before } : migrate(removals, before);
  const shipped = new Set(piecesOf(input.pack).map(pieceId));
  const heldBefore = holdsIn(migration.settings);

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
  for (const addition of retired.toReversed()) takeOut(removals, addition);

  const declinedIds = new Set([...input.declined.flatMap(piecesOfAddition), ...deletedByUser].map(pieceId));
  const added: SettingsAdditions = [];
  const document = new JsonDocument(removals.text());
  mergeInto(document, [], input.pack, (piece) => !declinedIds.has(pieceId(piece)), added);
  recorded.push(...added);
  const text = document.text;

  const heldAfter = holdsIn(JSON.parse(text) as JsonObject);
  const declined = uniquePieces([...input.declined.flatMap(piecesOfAddition), ...deletedByUser]).filter(
    (piece) => shipped.has(pieceId(piece)) && !heldAfter(piece),
  );
  const unchanged = input.text === undefined ? added.length === 0 && retired.length === 0 : text === input.text;
  const listedBefore = new Set(input.declined.map((entry) => JSON.stringify(entry)));
  const declinedNow = additionsOf(declined);
  return {
    text: unchanged ? input.text : text,
    recorded,
    declined: declinedNow,
    newlyDeclined: declinedNow.filter((entry) => !listedBefore.has(JSON.stringify(entry))),
    added,
    retired,
    migration: { findings: migration.findings, scripts: migration.scripts },
  };
}

function uniquePieces(pieces: Piece[]): Piece[] {
  const seen = new Set<string>();
  return pieces.filter((piece) => !seen.has(pieceId(piece)) && seen.add(pieceId(piece)));
}

/** Appends to the object at `keys` what `pack` has and it lacks; pushes each addition onto `added`. */
function mergeInto(
  document: JsonDocument,
  keys: string[],
  pack: JsonObject,
  wanted: (piece: Piece) => boolean,
  added: SettingsAdditions,
): void {
  for (const [key, packValue] of Object.entries(pack)) {
    const path = [...keys, key];
    const current = document.nodeAt(path);
    if (!current) {
      const value = filterValue(path, packValue, wanted, false);
      if (value === undefined) continue;
      document.appendProperty(keys, key, value);
      added.push({ path: pointerOf(path), value });
    } else if (current.type === 'object' && isJsonObject(packValue)) {
      mergeInto(document, path, packValue, wanted, added);
    } else if (current.type === 'array' && Array.isArray(packValue)) {
      // An entry the user has is never added again, nor one the pack lists twice: one lookup each.
      const held = new Set((document.valueAt(path) as unknown[]).map((entry) => JSON.stringify(entry)));
      const items = packValue.filter((item) => {
        const id = JSON.stringify(item);
        if (held.has(id)) return false;
        held.add(id);
        return wanted({ kind: 'item', keys: path, value: item });
      });
      document.appendItems(path, items);
      if (items.length > 0) added.push({ path: pointerOf(path), items });
    }
  }
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
// Migration away from the enforcement-era framework (what goes and why: settings-migration.ts)

/** Marks the migration's removals in `removals` (of the text `settings` was read from); `settings`: as they are then. */
function migrate(
  removals: JsonRemovals,
  settings: JsonObject,
): { findings: EnforcementFinding[]; scripts: string[]; settings: JsonObject } {
  const plan = planMigration(settings);
  for (const path of plan.removals) removals.removeAt(path);
  const migrated = plan.removals.length === 0 ? settings : (JSON.parse(removals.text()) as JsonObject);
  return { findings: plan.findings, scripts: scriptsToMove(plan, migrated), settings: migrated };
}
