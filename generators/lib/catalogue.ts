import type { Client } from './clients/clients.js';
import { AiPackError } from './errors.js';

/**
 * The pack's catalogue: which roles exist, what the user can choose, and which template files
 * each choice installs. The templates under `templates/pack/` are the single source of truth
 * (io/templates.ts reads them); this module only decides which of them a given set of answers selects.
 */

export const ROLES = ['orchestrator', 'engineer', 'tester', 'reviewer', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

/** Roles the orchestrator spawns as subagents; each has `.claude/agents/<role>.md`. */
export const SPAWNED_ROLES: readonly Role[] = ['engineer', 'tester', 'reviewer'];

export interface Answers {
  skills: Role[];
  /** The coding clients the pack goes into (lib/clients/): Claude Code by default. */
  clients: Client[];
  /** Pre-approved for background agents; empty means none. */
  testCommand: string;
  buildCommand: string;
  /** Install `.claude/agents/<role>.md` for the spawned roles among `skills`. */
  agents: boolean;
  /** Add (or refresh) the marked ai-pack section in CLAUDE.md. */
  claudeMd: boolean;
  /**
   * The plugin form: the marketplace source (`owner/repo`, a git URL or an absolute folder) the project's
   * settings point at, and no skill files; empty for the full project install.
   */
  pluginSettings: string;
  /** With `--scope user`: also merge the pack's permissions into ~/.claude/settings.json. */
  userSettings: boolean;
}

/** Exactly what `--yes` installs into an empty repository, and what `templates/pack/` holds. */
export const DEFAULT_ANSWERS: Readonly<Answers> = Object.freeze<Answers>({
  skills: [...ROLES],
  clients: ['claude'],
  testCommand: 'npm test',
  buildCommand: 'npm run build',
  agents: true,
  claudeMd: false,
  pluginSettings: '',
  userSettings: false,
});

export const SETTINGS_PATH = '.claude/settings.json';
export const CLAUDE_MD_PATH = 'CLAUDE.md';

/** `--skills orchestrator,tester` → roles; anything else is a clear error listing the valid roles. */
export function parseRoles(input: string | readonly string[], source = '--skills'): Role[] {
  const names = (typeof input === 'string' ? input.split(',') : input).map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new AiPackError(
      `Unknown role ${unknown.map((name) => JSON.stringify(name)).join(', ')} in ${source}. ` +
        `Valid roles: ${ROLES.join(', ')} (comma-separated, e.g. --skills orchestrator,tester).`,
    );
  }
  if (names.length === 0) {
    throw new AiPackError(`${source} names no role. Valid roles: ${ROLES.join(', ')}.`);
  }
  // Catalogue order, no repeats: the same choice always yields the same files and .yo-rc.json.
  return ROLES.filter((role) => names.includes(role));
}

/**
 * What may not stand in a command that becomes a `Bash(<command> *)` rule, and why: each would make the
 * rule allow more than the command (another command after it, a redirect, a wildcard).
 */
const NOT_IN_A_RULE: [RegExp, string][] = [
  [/[\r\n]/, 'a line break (it must be a single command line)'],
  [/\p{Cc}/u, 'a control character (an escape sequence, a carriage return: it could rewrite what the terminal shows)'],
  [/\*/, '"*" (a wildcard in a rule allows any command)'],
  [/&&|\|\||[;&|]/, 'a shell control operator (;, &, &&, ||, |) that would chain another command'],
  [/[<>]/, 'a redirect (< or >) that would read or write any file'],
  [/`|\$\(/, 'a command substitution (` or $() that would run another command'],
  [/[()]/, 'a parenthesis, which ends the permission rule early'],
];

/**
 * A command pre-approved in settings must be a plain command: it becomes the rule `Bash(<command> *)`.
 * `source` names where it came from (an option, the prompt, `.yo-rc.json`), so the error points there.
 * An empty string means "no command"; a blank one is a mistake.
 */
export function checkCommand(command: string, source: string): string {
  const problem = commandProblem(command);
  if (problem) throw new AiPackError(`${source}: ${problem} ("" for none); nothing was written.`);
  return command.trim();
}

/** Why `command` cannot become a rule, as a sentence naming it; undefined when it can. */
export function commandProblem(command: string): string | undefined {
  const trimmed = command.trim();
  const problem =
    command !== '' && trimmed === ''
      ? 'nothing but spaces'
      : NOT_IN_A_RULE.find(([pattern]) => pattern.test(trimmed))?.[1];
  return problem
    ? `${JSON.stringify(command)} has ${problem}. Give a plain command such as "npm test" ` +
        '(it becomes a permission rule that lets background agents run it)'
    : undefined;
}

/**
 * Repo-relative paths of the files the answers select among the pack's `packPaths` (settings.json is merged, not copied).
 * @internal (exported for its tests too)
 */
export function selectedPaths(answers: Pick<Answers, 'skills' | 'agents'>, packPaths: readonly string[]): string[] {
  const skillFiles = answers.skills.flatMap((role) =>
    packPaths.filter((path) => path.startsWith(`.claude/skills/${role}/`)),
  );
  const agentFiles = answers.agents
    ? answers.skills.filter((role) => SPAWNED_ROLES.includes(role)).map((role) => `.claude/agents/${role}.md`)
    : [];
  return [...skillFiles, ...agentFiles].sort();
}

/** The selected files of the pack's `files` (path → content), keyed by repo-relative path. */
export function selectedFiles(
  answers: Pick<Answers, 'skills' | 'agents'>,
  files: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    selectedPaths(answers, Object.keys(files)).map((path) => {
      if (!Object.hasOwn(files, path)) throw new Error(`generator-ai-pack: the pack's templates have no ${path}`);
      return [path, files[path]!];
    }),
  );
}
