import { type Answers, DEFAULT_ANSWERS } from './catalogue.js';

/**
 * The settings the pack contributes, for the user's test and build commands.
 *
 * `templates/pack/.claude/settings.json` holds them for the default commands, so a person can copy
 * it by hand; here the rules for the default commands are swapped for the chosen ones, in place.
 */

/**
 * The rule that lets a background agent run a command, bare or with arguments: the client's
 * current form `Bash(cmd *)` matches both (the legacy `Bash(cmd:*)` pair is no longer written).
 * @internal (exported for its tests too)
 */
export function commandRules(command: string): string[] {
  return command ? [`Bash(${command} *)`] : [];
}

type Settings = Record<string, unknown> & { permissions?: { allow?: string[] } };

export function packSettings(template: Settings, answers: Pick<Answers, 'testCommand' | 'buildCommand'>): Settings {
  const replacements = new Map<string, string[]>([
    [commandRules(DEFAULT_ANSWERS.testCommand)[0], commandRules(answers.testCommand)],
    [commandRules(DEFAULT_ANSWERS.buildCommand)[0], commandRules(answers.buildCommand)],
  ]);
  const allow = template.permissions?.allow ?? [];
  const rewritten = allow.flatMap((rule) => replacements.get(rule) ?? [rule]);
  return { ...template, permissions: { ...template.permissions, allow: [...new Set(rewritten)] } };
}
