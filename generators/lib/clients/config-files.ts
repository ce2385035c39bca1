import { keysOf } from '../json-edit.js';
import type { SummaryLine } from '../plan.js';
import { removeSettingsText, type SettingsAdditions, updateSettingsText } from '../settings.js';
import { isJsonObject, type JsonObject } from '../strict-json.js';

/**
 * A client's own JSON config file the pack merges entries into (OpenCode's `opencode.json`), planned like
 * `.claude/settings.json`: edited in place (every byte of the user's stays), what the pack added recorded so
 * that an update retires what it no longer ships and uninstall takes out exactly that, an entry the user
 * removed declined. Unlike settings.json there is nothing to migrate. Pure: texts in, texts and lines out.
 */

export interface ConfigFile {
  path: string;
  /** The entries the pack ships for the answers (`{}`: none, which retires those added before). */
  entries: JsonObject;
  /** The client's config under another name: when that exists and `path` does not, both are left alone. */
  keptIn?: string;
}

/** What the install record keeps of a config file. */
export interface ConfigRecord {
  settings: SettingsAdditions;
  declined?: SettingsAdditions;
  /** The pack created the file: uninstall deletes it once nothing but the pack's entries was in it. */
  created?: boolean;
}

export interface ConfigPlan {
  /** The file's new text; undefined: leave it as it is. */
  text: string | undefined;
  /** Delete the file: the pack created it and nothing else is in it. */
  remove: boolean;
  /** What the record keeps; undefined when the pack has nothing in the file. */
  record: ConfigRecord | undefined;
  lines: SummaryLine[];
}

const UNCHANGED: ConfigPlan = { text: undefined, remove: false, record: undefined, lines: [] };

function isEmptyObject(text: string): boolean {
  const value: unknown = JSON.parse(text);
  return isJsonObject(value) && Object.keys(value).length === 0;
}

/** Each entry by its keys (`permission → bash → npm test *`): the summary names no JSON pointer. */
function pointers(additions: SettingsAdditions): string {
  return additions.map((addition) => keysOf(addition.path).join(' → ')).join(', ');
}

/** The config file after an install or update: `text` is the file as it is (undefined: none), `previous` the record's entry. */
export function planConfigFile(
  file: ConfigFile,
  text: string | undefined,
  previous: ConfigRecord | undefined,
  exists: (path: string) => boolean,
): ConfigPlan {
  const nothingToAdd = Object.keys(file.entries).length === 0;
  if (text === undefined && (nothingToAdd || (file.keptIn !== undefined && exists(file.keptIn)))) {
    const lines: SummaryLine[] =
      nothingToAdd || !file.keptIn
        ? []
        : [
            {
              kind: 'no rule',
              text: `${file.path}: your config is ${file.keptIn}, which the pack does not edit (it keeps comments); add ${JSON.stringify(file.entries)} there by hand`,
            },
          ];
    return { ...UNCHANGED, lines };
  }
  const update = updateSettingsText({
    text,
    file: file.path,
    pack: file.entries,
    recorded: previous?.settings ?? [],
    declined: previous?.declined ?? [],
    migrate: false,
  });
  const created = text === undefined || previous?.created === true;
  const lines: SummaryLine[] = [];
  if (update.retired.length > 0)
    lines.push({
      kind: 'retired',
      text: `${file.path}: took out ${pointers(update.retired)} the pack added before and no longer ships`,
    });
  if (text !== undefined && update.added.length > 0)
    lines.push({ kind: 'merged', text: `${file.path}: added ${pointers(update.added)}; your entries kept` });
  if (update.newlyDeclined.length > 0)
    lines.push({
      kind: 'declined',
      text: `${file.path}: ${pointers(update.newlyDeclined)} (you removed it; updates leave it out)`,
    });
  const changed = update.text !== text ? update.text : undefined;
  const remove = changed !== undefined && created && update.recorded.length === 0 && isEmptyObject(changed);
  if (text === undefined && changed !== undefined)
    lines.push({ kind: 'added', text: `${file.path} (permissions for the pack's agents)` });
  if (remove) lines.push({ kind: 'removed', text: file.path });
  const hasPack = update.recorded.length > 0 || update.declined.length > 0;
  return {
    text: remove ? undefined : changed,
    remove,
    record: hasPack
      ? {
          settings: update.recorded,
          ...(update.declined.length > 0 && { declined: update.declined }),
          ...(created && { created }),
        }
      : undefined,
    lines,
  };
}

/** The config file without the pack's entries (uninstall): deleted when the pack created it and nothing else is left. */
export function planConfigRemoval(path: string, text: string, record: ConfigRecord): ConfigPlan {
  const { text: rest } = removeSettingsText(text, record.settings, path, record.declined);
  if (record.created && isEmptyObject(rest))
    return { text: undefined, remove: true, record: undefined, lines: [{ kind: 'removed', text: path }] };
  if (rest === text) return UNCHANGED;
  return {
    text: rest,
    remove: false,
    record: undefined,
    lines: [{ kind: 'cleaned', text: `${path} (the pack's entries only; yours kept)` }],
  };
}
