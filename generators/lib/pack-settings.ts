import { DEFAULT_ANSWERS, type Answers } from './catalogue.js';

/**
 * The settings the pack contributes, for the user's test and build commands.
 *
 * `templates/pack/.claude/settings.json` holds them for the default commands, so a person can copy
 * it by hand; here the rules for the default commands are swapped for the chosen ones, in place.
 */

/** The rules that let a background agent run a command, with or without extra arguments. */
export function commandRules(command: string): string[] {
  return command ? [`Bash(${command})`, `Bash(${command}:*)`] : [];
}

type Settings = Record<string, unknown> & { permissions?: { allow?: string[] } };

export function packSettings(template: Settings, answers: Pick<Answers, 'testCommand' | 'buildCommand'>): Settings {
  const replacements = new Map<string, string[]>([
    [`Bash(${DEFAULT_ANSWERS.testCommand})`, commandRules(answers.testCommand)],
    [`Bash(${DEFAULT_ANSWERS.buildCommand})`, commandRules(answers.buildCommand)],
  ]);
  const dropped = new Set([...replacements.keys()].map((rule) => rule.replace(/\)$/, ':*)')));
  const allow = template.permissions?.allow ?? [];
  const rewritten = allow.flatMap((rule) => replacements.get(rule) ?? (dropped.has(rule) ? [] : [rule]));
  return { ...template, permissions: { ...template.permissions, allow: [...new Set(rewritten)] } };
}
