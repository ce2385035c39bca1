import { AiPackError } from './errors.js';
import { JsonDocument, removeAt } from './json-edit.js';
import { type InstallRecord, readRecord, type Shipped } from './manifest.js';
import type { SettingsAdditions } from './settings.js';
import { isJsonObject, locationOf, parseStrictJson, sameJson } from './strict-json.js';

/** Yeoman's config file, shared with other generators: the install record is one entry in it. */
export const YO_RC = '.yo-rc.json';
/** The record of a personal install (`--scope user`), relative to the home folder: ~/.claude/ is the user's, not a project. */
export const USER_RECORD = '.claude/generator-ai-pack.json';
export const RECORD_KEY = 'generator-ai-pack';

/** `.yo-rc.json` read strictly: a file anyone can commit, so a bad one is a clear error with its position. */
function parseYoRc(text: string, file = YO_RC): Record<string, unknown> {
  const parsed = parseStrictJson(text, file);
  if (!isJsonObject(parsed)) {
    throw new AiPackError(
      `${locationOf(file, text, text.search(/\S/))}: the top level must be a JSON object ({ ... }). Fix it (or delete the file to start afresh) and run again; nothing was written.`,
    );
  }
  return parsed;
}

/** The install record in `.yo-rc.json` text (undefined: no file), with the paths and settings entries it may not claim left out. */
export function recordOf(
  text: string | undefined,
  shipped: Shipped,
  file = YO_RC,
): { record: InstallRecord | undefined; ignored: string[]; ignoredSettings: SettingsAdditions; answers: unknown } {
  if (text === undefined) return { record: undefined, ignored: [], ignoredSettings: [], answers: undefined };
  const stored = parseYoRc(text, file)[RECORD_KEY];
  return { ...readRecord(stored, file, shipped), answers: isJsonObject(stored) ? stored.answers : undefined };
}

/**
 * `.yo-rc.json` with the record set (or, for undefined, taken out), edited in place (lib/json-edit.ts): the
 * other generators' entries keep every byte, and what an install adds an uninstall takes out exactly.
 * Unchanged content returns the same text; a file left holding nothing returns undefined (it goes).
 */
export function recordText(
  current: string | undefined,
  record: InstallRecord | undefined,
  file = YO_RC,
): string | undefined {
  if (current === undefined)
    return record === undefined ? undefined : `${JSON.stringify({ [RECORD_KEY]: record }, null, 2)}\n`;
  const parsed = parseYoRc(current, file);
  if (sameJson(parsed[RECORD_KEY], record)) return current;
  const { [RECORD_KEY]: ours, ...others } = parsed;
  if (record === undefined) return Object.keys(others).length === 0 ? undefined : removeAt(current, [RECORD_KEY]);
  const document = new JsonDocument(current);
  return ours === undefined
    ? document.appendProperty([], RECORD_KEY, record).text
    : document.replaceValue([RECORD_KEY], record).text;
}
