import { OLD_SESSION_KEYS } from './settings-migration.js';
import { isJsonObject, type JsonObject } from './strict-json.js';

/**
 * A structural check of `.claude/settings.json`, offline and without the client: hook events and
 * handler shapes (what `claude doctor` 2.1.33x reports as "Invalid settings"), env names and values,
 * the permission rule lists, and the settings schema's rules for the enforcement-era leftovers
 * (`onSessionStart`/`onSessionEnd`, `description` in a matcher group), which doctor now passes over
 * but the schema and older clients reject.
 */

/**
 * Hook events the client 2.1.33x knows. An event not in this list is a warning, not a problem: the client
 * adds events with new releases, and valid settings must not fail `status` the day it does.
 */
const HOOK_EVENTS = new Set([
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'PreModelSwitch',
  'PostModelSwitch',
  'PermissionRequest',
  'PermissionDenied',
  'Setup',
  'TeammateIdle',
  'TaskCreated',
  'TaskCompleted',
  'Elicitation',
  'ElicitationResult',
  'ConfigChange',
  'WorktreeCreate',
  'WorktreeRemove',
  'InstructionsLoaded',
  'CwdChanged',
  'FileChanged',
  'DirectoryAdded',
  'MessageDisplay',
  'PreSkillShellCommand',
]);
const STRING_LIST_PERMISSIONS = ['allow', 'ask', 'deny', 'additionalDirectories'];
const GROUP_KEYS = new Set(['matcher', 'hooks']);
const COMMAND_HANDLER_KEYS = new Set(['type', 'command', 'timeout', 'async', 'shell', 'if', 'statusMessage', 'args']);
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Keys the old framework wrote (top level and under `hooks`) that the client rejects. */
const NOT_SETTINGS = new Set(Object.keys(OLD_SESSION_KEYS));

/** Each problem as `<json path>: <what is wrong>`; empty when the settings are valid. */
export function settingsProblems(settings: JsonObject): string[] {
  return [
    ...[...NOT_SETTINGS]
      .filter((key) => Object.hasOwn(settings, key))
      .map((key) => `${key}: not a settings key (hook events go under "hooks")`),
    ...permissionProblems(settings.permissions),
    ...envProblems(settings.env),
    ...hookProblems(settings.hooks),
  ];
}

/** What may be fine but this check cannot vouch for: hook events newer than the list above. */
export function settingsWarnings(settings: JsonObject): string[] {
  const hooks = settings.hooks;
  if (!isJsonObject(hooks)) return [];
  return Object.keys(hooks)
    .filter((event) => !HOOK_EVENTS.has(event) && !NOT_SETTINGS.has(event))
    .map((event) => `hooks.${event}: not an event client 2.1.33x knows (a newer client may; check the name)`);
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function permissionProblems(permissions: unknown): string[] {
  if (permissions === undefined) return [];
  if (!isJsonObject(permissions)) return ['permissions: must be an object'];
  // Only the lists are checked: the client knows many more permissions keys, and more with each release.
  return STRING_LIST_PERMISSIONS.filter(
    (key) => permissions[key] !== undefined && !isStringArray(permissions[key]),
  ).map((key) => `permissions.${key}: must be a list of strings`);
}

function envProblems(env: unknown): string[] {
  if (env === undefined) return [];
  if (!isJsonObject(env)) return ['env: must be an object'];
  return Object.entries(env).flatMap(([name, value]) => [
    ...(ENV_NAME.test(name) ? [] : [`env.${name}: names are upper case letters, digits and _`]),
    ...(typeof value === 'string' ? [] : [`env.${name}: values must be strings`]),
  ]);
}

function hookProblems(hooks: unknown): string[] {
  if (hooks === undefined) return [];
  if (!isJsonObject(hooks)) return ['hooks: must be an object'];
  return Object.entries(hooks).flatMap(([event, groups]) => {
    if (NOT_SETTINGS.has(event))
      return [`hooks.${event}: not a hook event (session hooks are "SessionStart" and "SessionEnd")`];
    if (!Array.isArray(groups)) return [`hooks.${event}: must be a list of matcher groups`];
    return groups.flatMap((group, index) => groupProblems(group, `hooks.${event}[${index}]`));
  });
}

function groupProblems(group: unknown, where: string): string[] {
  if (!isJsonObject(group)) return [`${where}: must be an object`];
  const extraKeys = Object.keys(group).filter((key) => !GROUP_KEYS.has(key));
  const handlers = Array.isArray(group.hooks) ? group.hooks : [];
  return [
    ...extraKeys.map((key) => `${where}.${key}: a matcher group allows only "matcher" and "hooks"`),
    ...(Array.isArray(group.hooks) ? [] : [`${where}.hooks: must be a list of handlers`]),
    ...handlers.flatMap((handler, index) => handlerProblems(handler, `${where}.hooks[${index}]`)),
  ];
}

function handlerProblems(handler: unknown, where: string): string[] {
  if (!isJsonObject(handler) || typeof handler.type !== 'string') return [`${where}: must be an object with a "type"`];
  if (handler.type !== 'command') return [];
  return [
    ...(typeof handler.command === 'string' ? [] : [`${where}.command: must be a string`]),
    ...Object.keys(handler)
      .filter((key) => !COMMAND_HANDLER_KEYS.has(key))
      .map((key) => `${where}.${key}: not a command hook key`),
  ];
}
