import { PLUGIN_ID } from './plugin.js';
import { isJsonObject, parseStrictJson } from './strict-json.js';

/** A settings file the client reads for a folder: its name as a person knows it, and its text (undefined: none). */
export interface SettingsScope {
  file: string;
  text: string | undefined;
}

/**
 * The settings file that turns the ai-pack plugin on for a folder, if one does. The client merges
 * `enabledPlugins` across its settings files, the most local one winning, so `scopes` go from the most
 * local (`.claude/settings.local.json`) to the user's (`~/.claude/settings.json`); the first that says
 * true or false decides. A file that is not valid JSON says nothing here (status reports it elsewhere).
 */
export function pluginEnabledBy(scopes: readonly SettingsScope[]): string | undefined {
  for (const { file, text } of scopes) {
    const flag = enabledFlag(text, file);
    if (flag !== undefined) return flag ? file : undefined;
  }
  return undefined;
}

function enabledFlag(text: string | undefined, file: string): boolean | undefined {
  if (text === undefined) return undefined;
  try {
    const settings = parseStrictJson(text, file);
    const enabled = isJsonObject(settings) ? settings.enabledPlugins : undefined;
    const flag = isJsonObject(enabled) ? enabled[PLUGIN_ID] : undefined;
    return typeof flag === 'boolean' ? flag : undefined;
  } catch {
    return undefined;
  }
}

/** Why the plugin and the pack's files in one place are one too many, for a warning. */
export function bothInstalledWarning(enabledBy: string, where: string, uninstall: string): string {
  return (
    `the ai-pack plugin is enabled (${PLUGIN_ID} in ${enabledBy}) and the pack is installed in ${where} too: ` +
    'Claude Code would load both, so every skill shows up twice (/orchestrator and /ai-pack:orchestrator). ' +
    `Keep one: set "${PLUGIN_ID}" to false in ${enabledBy} (or run claude plugin disable ${PLUGIN_ID}), ` +
    `or take the pack's files out with ${uninstall}.`
  );
}
