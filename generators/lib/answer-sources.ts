import { ANSWER_SPECS, type AnswerSpec, belongsTo, COMMAND_SPECS, showValue } from './answers.js';
import type { Answers } from './catalogue.js';
import { AiPackError } from './errors.js';
import type { InstallRecord } from './manifest.js';
import type { SummaryLine } from './plan.js';
import { MARKETPLACE_NAME } from './plugin.js';
import { isJsonObject, sameJson } from './strict-json.js';

/**
 * Where each answer came from, kept in the install record beside the answers, so an update tells a
 * choice from a guess: what the user gave (`option`, `typed`) is kept; what was detected or defaulted is
 * worked out again, so a better detection or a new default reaches repositories installed before it.
 * `chosen` marks a value kept from a record that said nothing of sources (written by 0.1.0 or 0.2.0).
 */
type AnswerSource = 'option' | 'typed' | 'detected' | 'default' | 'chosen';
const SOURCES: readonly string[] = ['option', 'typed', 'detected', 'default', 'chosen'] satisfies AnswerSource[];
const CHOSEN: ReadonlySet<AnswerSource> = new Set(['option', 'typed', 'chosen']);

export type AnswerSources = Record<keyof Answers, AnswerSource>;

/** What this version picks for an answer nobody gave: the detected value (and why), or the default. */
export interface Guess {
  value: unknown;
  source: 'detected' | 'default';
  /** Why it was detected ("from uv.lock"); absent when nothing was. */
  reason?: string;
}

interface ResolvedAnswer {
  source: AnswerSource;
  /** The value is the one the install record kept (a choice of an earlier run). */
  saved: boolean;
  /** Why it was detected, for the summary. */
  reason?: string;
}

export interface Resolution {
  answers: Answers;
  how: Record<keyof Answers, ResolvedAnswer>;
}

/**
 * This run's answers: an option wins; else a saved answer the user chose is kept; else (a saved guess,
 * or nothing saved) this version's guess. A record without sources (`savedSources` undefined for that
 * answer) counts a saved value as a guess when it equals one of `oldGuesses` or this version's guess,
 * and as chosen otherwise.
 */
export function resolveAnswers(input: {
  given: Partial<Answers>;
  saved: Partial<Answers>;
  savedSources: Partial<AnswerSources> | undefined;
  guesses: Record<keyof Answers, Guess>;
  oldGuesses: Partial<Record<keyof Answers, readonly unknown[]>>;
}): Resolution {
  const answers: Partial<Record<keyof Answers, unknown>> = {};
  const how: Partial<Record<keyof Answers, ResolvedAnswer>> = {};
  for (const { name } of ANSWER_SPECS) {
    const guess = input.guesses[name];
    const saved = input.saved[name];
    const savedSource =
      saved === undefined
        ? undefined
        : (input.savedSources?.[name] ??
          ([guess.value, ...(input.oldGuesses[name] ?? [])].some((old) => sameJson(old, saved))
            ? guess.source
            : 'chosen'));
    if (input.given[name] !== undefined) {
      answers[name] = input.given[name];
      how[name] = { source: 'option', saved: false };
    } else if (savedSource && CHOSEN.has(savedSource)) {
      answers[name] = saved;
      how[name] = { source: savedSource, saved: true };
    } else {
      answers[name] = guess.value;
      how[name] = { source: guess.source, saved: false, reason: guess.reason };
    }
  }
  return { answers: answers as Answers, how: how as Record<keyof Answers, ResolvedAnswer> };
}

/** The sources to record for a resolution. */
export function sourcesOf(how: Resolution['how']): AnswerSources {
  return Object.fromEntries(Object.entries(how).map(([name, { source }]) => [name, source])) as AnswerSources;
}

/** The record's sources, checked (a committed `.yo-rc.json` is untrusted); undefined when it has none. */
export function checkSavedSources(stored: unknown, file: string): Partial<AnswerSources> | undefined {
  if (stored === undefined) return undefined;
  if (!isJsonObject(stored) || !Object.values(stored).every((source) => SOURCES.includes(source as string))) {
    throw new AiPackError(
      `${file}: the "generator-ai-pack" entry has "sources" that is not a map of answers to one of ${SOURCES.join(', ')}. ` +
        'Restore it from version control, or delete "sources" (saved answers then count as chosen unless they equal a guess); nothing was written.',
    );
  }
  return stored as Partial<AnswerSources>;
}

/**
 * Answers a record of 0.1.0 or 0.2.0 did not keep but shows: the plugin form (the marketplace the pack put
 * into settings.json) and, in a personal record, the permissions put into ~/.claude/settings.json. Without
 * them an update would take out what the user asked for.
 */
export function answersShownBy(record: InstallRecord, personal: boolean): Record<string, unknown> {
  const marketplace = record.settings.flatMap((entry) => {
    const value = 'value' in entry ? entry.value : undefined;
    const ours =
      entry.path === '/extraKnownMarketplaces' && isJsonObject(value)
        ? value[MARKETPLACE_NAME]
        : entry.path === `/extraKnownMarketplaces/${MARKETPLACE_NAME}`
          ? value
          : undefined;
    const source = isJsonObject(ours) ? ours.source : undefined;
    const where = isJsonObject(source) ? (source.repo ?? source.url ?? source.path) : undefined;
    return typeof where === 'string' ? [where] : [];
  })[0];
  return {
    ...(marketplace !== undefined && { pluginSettings: marketplace }),
    ...(personal && record.settings.length > 0 && { userSettings: true }),
  };
}

/**
 * What 0.1.0 pre-approved in a folder: its detection (package.json, Cargo.toml, go.mod, pyproject.toml or
 * setup.py, Makefile, first found) over its npm defaults. Records of 0.1.0 (and of 0.2.0 updates, which
 * kept them) hold these guesses as if chosen: a saved command equal to one was a guess.
 */
export function guessOf010(read: (path: string) => string | undefined): Partial<Answers> {
  const text = (file: string) => {
    try {
      return read(file);
    } catch {
      return undefined;
    }
  };
  const has = (file: string) => text(file) !== undefined;
  if (has('package.json')) {
    const runner = has('pnpm-lock.yaml') ? 'pnpm' : has('yarn.lock') ? 'yarn' : 'npm';
    let scripts: unknown;
    try {
      scripts = JSON.parse(text('package.json')!).scripts;
    } catch {
      return { testCommand: `${runner} test`, buildCommand: `${runner} run build` };
    }
    const script = (name: string) => isJsonObject(scripts) && typeof scripts[name] === 'string';
    return {
      testCommand: script('test') ? `${runner} test` : '',
      buildCommand: script('build') ? `${runner} run build` : '',
    };
  }
  if (has('Cargo.toml')) return { testCommand: 'cargo test', buildCommand: 'cargo build' };
  if (has('go.mod')) return { testCommand: 'go test ./...', buildCommand: 'go build ./...' };
  if (has('pyproject.toml') || has('setup.py')) return { testCommand: 'pytest', buildCommand: '' };
  if (has('Makefile')) return { testCommand: 'make test', buildCommand: 'make' };
  return { testCommand: 'npm test', buildCommand: 'npm run build' };
}

/**
 * The summary's lines about the answers: each command approved (or not) and where it came from, and each
 * answer whose value differs from the saved one, with why (so an update says what it changed and how to
 * undo it).
 */
export function answerLines(input: {
  resolution: Resolution;
  saved: Partial<Answers>;
  personal: boolean;
  /** The settings get the commands' rules (not a personal install without --user-settings). */
  approves: boolean;
  recordPath: string;
}): SummaryLine[] {
  const { answers, how } = input.resolution;
  const changed = ANSWER_SPECS.filter(
    (spec) =>
      belongsTo(spec, input.personal) &&
      input.saved[spec.name] !== undefined &&
      !sameJson(input.saved[spec.name], answers[spec.name]),
  ).map((spec) => changeLine(spec, input.saved[spec.name], answers[spec.name], how[spec.name]));
  const approvals = input.approves
    ? COMMAND_SPECS.map((spec) =>
        approvalLine(spec, String(answers[spec.name]), whereFrom(spec, how[spec.name], input.recordPath)),
      )
    : [];
  return [...changed, ...approvals];
}

function whereFrom(spec: AnswerSpec, { source, saved, reason }: ResolvedAnswer, recordPath: string): string {
  if (saved) return `saved in ${recordPath}`;
  switch (source) {
    case 'option':
      return `--${spec.option}`;
    case 'typed':
      return 'typed at the prompt';
    case 'detected':
      return reason ? `detected: ${reason}` : 'nothing detected';
    default:
      return 'none given';
  }
}

/** Background agents may run an approved command without asking: the summary names each, and why. */
function approvalLine(spec: AnswerSpec, command: string, from: string): SummaryLine {
  return command
    ? { kind: 'approved', text: `${spec.label} "${command}" (${from}): background agents may run it without asking` }
    : {
        kind: 'no rule',
        text: `for a ${spec.label} (${from}); add one with --${spec.option} "<command>" so background agents may run it`,
      };
}

function changeLine(spec: AnswerSpec, before: unknown, after: unknown, resolved: ResolvedAnswer): SummaryLine {
  const why =
    resolved.source === 'detected'
      ? `detected again: ${resolved.reason ?? 'nothing found'}`
      : resolved.source === 'default'
        ? "this version's default"
        : resolved.source === 'typed'
          ? 'typed at the prompt'
          : spec.kind === 'boolean'
            ? optionFor(spec, after)
            : `--${spec.option}`;
  const guessed = resolved.source === 'detected' || resolved.source === 'default';
  const undo = guessed ? `; it was a guess, not your choice (${optionFor(spec, before)} brings it back)` : '';
  return {
    kind: 'changed',
    text: `${spec.label}: now ${showValue(spec, after)} (${why}), was ${showValue(spec, before)}${undo}`,
  };
}

/** The option that gives an answer this value, as a person would type it. */
function optionFor(spec: AnswerSpec, value: unknown): string {
  switch (spec.kind) {
    case 'boolean':
      return value ? `--${spec.option}` : `--no-${spec.option}`;
    case 'roles':
    case 'clients':
      return `--${spec.option} ${(value as string[]).join(',')}`;
    default:
      return `--${spec.option} ${JSON.stringify(value)}`;
  }
}
