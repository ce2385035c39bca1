import { type JSONPath, pointerOf } from './json-edit.js';
import { isJsonObject, type JsonObject } from './strict-json.js';

/**
 * Migration away from the enforcement-era framework: what it left in `.claude/settings.json` that the client
 * rejects or runs to block work, and why each goes. Decisions only, on the settings as read: settings.ts takes
 * out what planMigration lists, in the same edit as the pack's own entries.
 */

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

export interface MigrationPlan {
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
 * What to take out of these settings, found by value:
 * - `onSessionStart` / `onSessionEnd`, at the top level and under `hooks`, in any shape;
 * - every hook whose command runs orchestrator-enforcement.py or check-task-packet.py: a handler, a
 *   command written as a string or an array, a group or event in an odd shape;
 * - `description` in a matcher group or a command handler.
 * A matcher group, event list or `hooks` object the removal empties goes too (one empty already stays).
 */
export function planMigration(settings: JsonObject): MigrationPlan {
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

/**
 * The repository's hook scripts that the removed hooks ran (`.claude/hooks/<script>`), minus any that the
 * settings left after the migration still name: those are moved aside.
 */
export function scriptsToMove(plan: MigrationPlan, remaining: unknown): string[] {
  const stillNamed = new Set(stringsIn(remaining).flatMap(repoScripts));
  return [...new Set(plan.removedStrings.flatMap(repoScripts))].filter((script) => !stillNamed.has(script));
}
