import { commandProblem } from '../catalogue.js';
import type { Piece } from '../settings.js';
import { isJsonObject, type JsonObject } from '../strict-json.js';

/**
 * OpenCode's permissions for the pack's commands, in the project's `opencode.json`: `permission.bash` rules
 * `"<command> *": "allow"` (OpenCode reads a trailing ` *` as "with or without arguments", and the last
 * matching rule wins). They are merged into the user's file in place, as `.claude/settings.json` is, and the
 * pack never writes `"*": "ask"`: OpenCode's default allows every command, and the pack does not tighten a
 * user's setup. Pure.
 */
export const OPENCODE_CONFIG = 'opencode.json';
/** A config of the user's in JSON with comments: the pack does not create `opencode.json` beside it. */
export const OPENCODE_JSONC = 'opencode.jsonc';

const RULE_KEYS = ['permission', 'bash'];

function ruleOf(command: string): string {
  return `${command} *`;
}

/** The entries the pack merges for these commands; empty when there is no command. */
export function opencodeConfig(commands: { test: string; build: string }): JsonObject {
  const rules = [commands.test, commands.build].filter(Boolean).map((command) => [ruleOf(command), 'allow']);
  return rules.length === 0 ? {} : { permission: { bash: Object.fromEntries(rules) } };
}

/**
 * What an install record may claim as the pack's in `opencode.json` (see settings-claims.ts for why): a command
 * rule `"<command> *": "allow"` whose command passes today's checks, and the empty objects around such rules.
 */
export function opencodeMayOwn(piece: Piece): boolean {
  const { keys, value } = piece;
  if (piece.kind !== 'value') return false;
  const containers = keys.length < RULE_KEYS.length + 1 && keys.every((key, index) => key === RULE_KEYS[index]);
  if (containers) return isJsonObject(value) && Object.keys(value).length === 0;
  const [permission, bash, rule] = keys;
  if (keys.length !== 3 || permission !== 'permission' || bash !== 'bash' || value !== 'allow') return false;
  const command = rule.endsWith(' *') ? rule.slice(0, -2) : undefined;
  return command !== undefined && command !== '' && command === command.trim() && !commandProblem(command);
}
