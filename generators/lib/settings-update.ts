import { mergeSettings, parseSettings, removeEnforcement, retiredAdditions, sameSettings, serializeSettings, unmergeSettings, type EnforcementFinding, type SettingsAdditions } from './settings.js';
import type { JsonObject } from './strict-json.js';

// TEMPORARY adapter over the object-based settings functions; replaced by in-place text edits (issue 8).

export interface SettingsUpdate {
  text: string | undefined;
  recorded: SettingsAdditions;
  declined: SettingsAdditions;
  newlyDeclined: SettingsAdditions;
  added: SettingsAdditions;
  retired: SettingsAdditions;
  migration: { findings: EnforcementFinding[]; scripts: string[] };
}

export function updateSettings(input: { text: string | undefined; file: string; pack: JsonObject; recorded: SettingsAdditions; declined: SettingsAdditions }): SettingsUpdate {
  if (input.text === undefined) {
    const { settings, added } = mergeSettings({}, input.pack);
    return { text: serializeSettings(settings), recorded: added, declined: [], newlyDeclined: [], added, retired: [], migration: { findings: [], scripts: [] } };
  }
  const current = parseSettings(input.text, input.file);
  const migrated = removeEnforcement(current);
  const retired = retiredAdditions(input.recorded, input.pack);
  const { settings, added } = mergeSettings(unmergeSettings(migrated.settings, retired), input.pack);
  const text = sameSettings(current, settings) ? input.text : serializeSettings(settings);
  return { text, recorded: [...input.recorded, ...added], declined: input.declined, newlyDeclined: [], added, retired, migration: { findings: migrated.findings, scripts: migrated.scripts } };
}

export function removePackSettings(text: string, file: string, recorded: SettingsAdditions): { text: string; empty: boolean } {
  const current = parseSettings(text, file);
  const remaining = unmergeSettings(current, recorded);
  return { text: sameSettings(current, remaining) ? text : serializeSettings(remaining), empty: Object.keys(remaining).length === 0 };
}
