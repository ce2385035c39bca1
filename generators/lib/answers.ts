import { type Answers, checkCommand, parseRoles, ROLES, type Role, SPAWNED_ROLES } from './catalogue.js';
import { AiPackError } from './errors.js';
import { isJsonObject } from './strict-json.js';

/**
 * Every answer the install takes, declared once: its option, its question, how a value is checked
 * (the same check whether it came from an option, the prompt or `.yo-rc.json`) and its summary label.
 * The generator's options, prompts and `--help`, and the checks of saved answers, all derive from this table.
 */
export interface AnswerSpec {
  name: keyof Answers;
  /** The command-line option, kebab-case. */
  option: string;
  kind: 'roles' | 'command' | 'boolean';
  /** `--help` text. */
  help: string;
  /** The question; it may name what was already chosen. */
  question: (known: Answers) => string;
  /** The summary's name for the value. */
  label: string;
}

export const ANSWER_SPECS: readonly AnswerSpec[] = [
  {
    name: 'skills',
    option: 'skills',
    kind: 'roles',
    help: `Roles to install, comma-separated: ${ROLES.join(',')} (default: all)`,
    question: () => 'Which role skills should the pack install?',
    label: 'roles',
  },
  {
    name: 'testCommand',
    option: 'test-command',
    kind: 'command',
    help: 'Test command background agents may run without asking (default: detected from the repository; "" for none)',
    question: () => 'Test command background agents may run without asking (empty for none):',
    label: 'test command',
  },
  {
    name: 'buildCommand',
    option: 'build-command',
    kind: 'command',
    help: 'Build command background agents may run without asking (default: detected from the repository; "" for none)',
    question: () => 'Build command background agents may run without asking (empty for none):',
    label: 'build command',
  },
  {
    name: 'agents',
    option: 'agents',
    kind: 'boolean',
    help: 'Add .claude/agents/<role>.md for the roles the orchestrator spawns (default: yes; --no-agents to skip)',
    question: (known) =>
      `Add agents in .claude/agents/ so the orchestrator can spawn ${listOf(spawnedAmong(known.skills))} by name?`,
    label: 'agents',
  },
  {
    name: 'claudeMd',
    option: 'claude-md',
    kind: 'boolean',
    help: 'Add a short marked section to CLAUDE.md pointing at the pack (default: no)',
    question: () => 'Add a short section to CLAUDE.md that points Claude at the pack?',
    label: 'CLAUDE.md section',
  },
];

/** The spawned roles among the chosen ones: the agents question is asked only when there are some. */
export function spawnedAmong(skills: readonly Role[]): Role[] {
  return skills.filter((role) => SPAWNED_ROLES.includes(role));
}

function listOf(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Answers from one source, each checked by its spec. `sourceOf` names the source for a given spec
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
  switch (spec.kind) {
    case 'roles':
      if (typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
        return parseRoles([String(value)], source);
      }
      return parseRoles(value, source);
    case 'command':
      return checkCommand(typeof value === 'string' ? value : JSON.stringify(value), source);
    case 'boolean':
      if (typeof value !== 'boolean') {
        throw new AiPackError(`${source}: ${JSON.stringify(value)} must be true or false; nothing was written.`);
      }
      return value;
  }
}

/** Saved answers are checked like typed ones: `.yo-rc.json` is a file anyone can commit. */
export function checkSavedAnswers(saved: unknown, file: string, key: string): Partial<Answers> {
  return isJsonObject(saved) ? checkAnswers(saved, (spec) => `${file} (${key}.answers.${spec.name})`) : {};
}
