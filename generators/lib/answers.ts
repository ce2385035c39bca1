import {
  type Answers,
  checkCommand,
  commandProblem,
  parseRoles,
  ROLES,
  type Role,
  SPAWNED_ROLES,
} from './catalogue.js';
import { CLIENT_FACTS, CLIENTS, parseClients } from './clients/clients.js';
import { AiPackError } from './errors.js';
import { parseMarketplaceSource } from './plugin.js';
import { isJsonObject } from './strict-json.js';

/**
 * Every answer the install takes, declared once: its option and `--help` text, its question (if it is
 * asked), the kind of value (which gives its check, its prompt and how the summary shows it), its summary
 * label, where its value comes from when nobody gives one, and which installs it belongs to. The
 * generator's options, prompts and `--help`, the checks of option values, typed answers and saved ones,
 * the list of command answers and the summary's answer lines all derive from this table.
 */
export interface AnswerSpec {
  name: keyof Answers;
  /** The command-line option, kebab-case. */
  option: string;
  kind: Kind;
  /** `--help` text. */
  help: string;
  /** The question, which may name what was already chosen; absent: an option only, never asked. */
  question?: (known: Answers) => string;
  /** Asked only when this holds for the answers so far and the scope (the question would make no sense otherwise). */
  askedWhen?: (known: Answers, personal: boolean) => boolean;
  /** The summary's name for the value. */
  label: string;
  /** Where the value comes from when nobody gives one: the repository's build files, or the pack's default. */
  guess: 'detected' | 'default';
  /** Which installs the answer belongs to: a project (`--scope project`), a personal one (`--scope user`), or both. */
  scope: 'project' | 'user' | 'both';
}

/**
 * The kinds of value. `command` and `marketplace` are strings (empty: none), `roles` and `clients` lists,
 * `boolean` a flag; the table's types tie each answer's kind to its field in `Answers`.
 */
type Kind = 'roles' | 'clients' | 'command' | 'boolean' | 'marketplace';
type KindOf<Value> = Value extends boolean
  ? 'boolean'
  : Value extends string
    ? 'command' | 'marketplace'
    : Value extends Role[]
      ? 'roles'
      : 'clients';
type Table = { [Name in keyof Answers]: Omit<AnswerSpec, 'name' | 'kind'> & { kind: KindOf<Answers[Name]> } };

/** The full pack goes in (not the plugin form), so its files and CLAUDE.md section are chosen. */
const fullPack = (known: Answers) => known.pluginSettings === '';
/** Commands become rules in a project's settings, or in ~/.claude/settings.json when the user asks for them there. */
const projectOrUserSettings = (known: Answers, personal: boolean) => !personal || known.userSettings;

const TABLE: Table = {
  skills: {
    option: 'skills',
    kind: 'roles',
    help: `Roles to install, comma-separated: ${ROLES.join(',')} (default: all)`,
    question: () => 'Which role skills should the pack install?',
    askedWhen: fullPack,
    label: 'roles',
    guess: 'default',
    scope: 'both',
  },
  clients: {
    option: 'clients',
    kind: 'clients',
    help: `Coding clients to install the pack for, comma-separated: ${CLIENTS.join(',')} (default: claude)`,
    question: () => 'Which coding clients should the pack go into?',
    askedWhen: fullPack,
    label: 'clients',
    guess: 'default',
    scope: 'project',
  },
  userSettings: {
    option: 'user-settings',
    kind: 'boolean',
    help: "With --scope user: also merge the pack's permissions into ~/.claude/settings.json (they then apply in every folder you open; --no-user-settings takes them out)",
    question: () =>
      "Also merge the pack's permissions into ~/.claude/settings.json? They would apply in every folder you open.",
    label: 'permissions in ~/.claude/settings.json',
    guess: 'default',
    scope: 'user',
  },
  testCommand: {
    option: 'test-command',
    kind: 'command',
    help: 'Test command background agents may run without asking (default: detected from the repository; "" for none)',
    question: () => 'Test command background agents may run without asking (empty for none):',
    askedWhen: projectOrUserSettings,
    label: 'test command',
    guess: 'detected',
    scope: 'both',
  },
  buildCommand: {
    option: 'build-command',
    kind: 'command',
    help: 'Build command background agents may run without asking (default: detected from the repository; "" for none)',
    question: () => 'Build command background agents may run without asking (empty for none):',
    askedWhen: projectOrUserSettings,
    label: 'build command',
    guess: 'detected',
    scope: 'both',
  },
  agents: {
    option: 'agents',
    kind: 'boolean',
    help: 'Add .claude/agents/<role>.md for the roles the orchestrator spawns (default: yes; --no-agents to skip)',
    question: (known) =>
      `Add agents ${known.clients.length === 1 && known.clients[0] === 'claude' ? 'in .claude/agents/' : "in each client's agents folder"} so the orchestrator can spawn ${listOf(spawnedAmong(known.skills))} by name?`,
    askedWhen: (known) => fullPack(known) && spawnedAmong(known.skills).length > 0,
    label: 'agents',
    guess: 'default',
    scope: 'both',
  },
  claudeMd: {
    option: 'claude-md',
    kind: 'boolean',
    help: 'Add a short marked section to CLAUDE.md pointing at the pack (default: no)',
    question: () => 'Add a short section to CLAUDE.md that points Claude at the pack?',
    askedWhen: (known) => fullPack(known) && known.clients.includes('claude'),
    label: 'CLAUDE.md section',
    guess: 'default',
    scope: 'project',
  },
  pluginSettings: {
    option: 'plugin-settings',
    kind: 'marketplace',
    help: 'For a team on the ai-pack plugin: write only the settings a project needs (permissions, the marketplace and the enabled plugin), no skill files; give the marketplace source (owner/repo, a git URL or an absolute folder), or "" to go back to the full pack',
    label: 'plugin settings',
    guess: 'default',
    scope: 'project',
  },
};

export const ANSWER_SPECS: readonly AnswerSpec[] = Object.entries(TABLE).map(([name, spec]) => ({
  name: name as keyof Answers,
  ...spec,
}));

/** The answers that become permission rules (`Bash(<command> *)`): the table's command answers. */
export const COMMAND_SPECS: readonly AnswerSpec[] = ANSWER_SPECS.filter((spec) => spec.kind === 'command');

/** Whether an answer belongs to this install: a personal one (`--scope user`) or a project's. */
export function belongsTo(spec: AnswerSpec, personal: boolean): boolean {
  return spec.scope === 'both' || spec.scope === (personal ? 'user' : 'project');
}

/** The spawned roles among the chosen ones: the agents question is asked only when there are some. */
export function spawnedAmong(skills: readonly Role[]): Role[] {
  return skills.filter((role) => SPAWNED_ROLES.includes(role));
}

function listOf(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Answers from one source, each checked by its kind. `sourceOf` names the source for a given spec
 * (e.g. `--test-command`, `the prompt`, `.yo-rc.json (generator-ai-pack.answers.testCommand)`), so an
 * error points at where the bad value came from. Unknown keys are ignored.
 */
export function checkAnswers(raw: Record<string, unknown>, sourceOf: (spec: AnswerSpec) => string): Partial<Answers> {
  const checked: Partial<Record<keyof Answers, unknown>> = {};
  for (const spec of ANSWER_SPECS) {
    const value = raw[spec.name];
    if (value !== undefined) checked[spec.name] = checkValue(spec, value, sourceOf(spec));
  }
  return checked as Partial<Answers>;
}

function checkValue(spec: AnswerSpec, value: unknown, source: string): unknown {
  if (typeof value === 'string' && value.trimStart().startsWith('-')) {
    throw new AiPackError(
      `${source}: ${JSON.stringify(value)} is an option, not a value: --${spec.option} needs its value right after it ` +
        `(${exampleOf(spec)}); nothing was written.`,
    );
  }
  switch (spec.kind) {
    case 'roles':
      if (typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
        return parseRoles([String(value)], source);
      }
      return parseRoles(value, source);
    case 'clients':
      if (typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
        return parseClients([String(value)], source);
      }
      return parseClients(value, source);
    case 'command':
      return checkCommand(typeof value === 'string' ? value : JSON.stringify(value), source);
    case 'marketplace':
      return checkMarketplace(typeof value === 'string' ? value : JSON.stringify(value), source);
    case 'boolean':
      if (typeof value !== 'boolean') {
        throw new AiPackError(`${source}: ${JSON.stringify(value)} must be true or false; nothing was written.`);
      }
      return value;
  }
}

function exampleOf(spec: AnswerSpec): string {
  switch (spec.kind) {
    case 'roles':
      return `e.g. --${spec.option} orchestrator,tester`;
    case 'clients':
      return `e.g. --${spec.option} claude,codex`;
    case 'command':
      return `e.g. --${spec.option} "make", or --${spec.option} "" for none`;
    case 'marketplace':
      return `e.g. --${spec.option} acme/generator-ai-pack, or --${spec.option} "" for the full pack`;
    case 'boolean':
      return `--${spec.option} or --no-${spec.option}`;
  }
}

/** The placeholder owner the README and the plugin's README write: never a real marketplace. */
const PLACEHOLDER_OWNER = /(^|[/:])OWNER\//;

/** A marketplace source the client can use, trimmed; empty means none (the full pack). */
function checkMarketplace(value: string, source: string): string {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  if (PLACEHOLDER_OWNER.test(trimmed)) {
    throw new AiPackError(
      `${source}: ${JSON.stringify(value)} still holds the placeholder OWNER: put the GitHub account that hosts the ` +
        'marketplace in its place (e.g. acme/generator-ai-pack), or give a git URL or an absolute folder; nothing was written.',
    );
  }
  try {
    parseMarketplaceSource(trimmed);
  } catch (error) {
    throw new AiPackError(`${source}: ${(error as Error).message} Nothing was written.`);
  }
  return trimmed;
}

/**
 * Why a typed answer cannot be taken, for the prompt to ask again; undefined when it can. The same check
 * as for an option, in words for the person at the prompt.
 */
export function promptProblem(spec: AnswerSpec, value: unknown): string | undefined {
  if (spec.kind === 'command' && typeof value === 'string') {
    const problem = value.trimStart().startsWith('-')
      ? `${JSON.stringify(value)} starts with "-": type the command itself, e.g. "npm test"`
      : commandProblem(value);
    return problem && `${problem}, or leave it empty for none.`;
  }
  try {
    checkValue(spec, value, 'the prompt');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Saved answers are checked like typed ones: `.yo-rc.json` is a file anyone can commit. */
export function checkSavedAnswers(saved: unknown, file: string, key: string): Partial<Answers> {
  return isJsonObject(saved) ? checkAnswers(saved, (spec) => `${file} (${key}.answers.${spec.name})`) : {};
}

/** How the summary shows a value of this answer. */
export function showValue(spec: AnswerSpec, value: unknown): string {
  switch (spec.kind) {
    case 'roles':
      return (value as string[]).join(', ');
    case 'clients':
      return (value as (keyof typeof CLIENT_FACTS)[]).map((client) => CLIENT_FACTS[client].label).join(', ');
    case 'command':
      return value === '' ? 'none' : JSON.stringify(value);
    case 'marketplace':
      return value === '' ? 'none (the full pack)' : JSON.stringify(value);
    case 'boolean':
      return value ? 'yes' : 'no';
  }
}
