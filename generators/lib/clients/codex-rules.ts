/**
 * The Codex rules file: the pack's test and build commands as `prefix_rule`s (Codex's execpolicy, Starlark
 * syntax), which let agents run them without asking. Codex reads `.codex/rules/*.rules` only in a project the
 * user trusts. The file is wholly the pack's (a pack file with its hash in the install record), written only
 * when there is a command to approve. Pure.
 */
export const CODEX_RULES_PATH = '.codex/rules/generator-ai-pack.rules';

/** A Starlark string: only `\` and `"` need escaping (a command has no control characters: answers.ts checks). */
function starlarkString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * One rule per command, its words as the prefix. Codex matches a command's words (a quoted argument is one
 * word): a command written with quotes gets a rule stricter than the command, never looser.
 */
function prefixRule(command: string, what: string): string {
  const words = command.split(/\s+/).map(starlarkString).join(', ');
  return [
    'prefix_rule(',
    `    pattern = [${words}],`,
    '    decision = "allow",',
    `    justification = ${starlarkString(`the project's ${what} command (generator-ai-pack)`)},`,
    `    match = [${starlarkString(command)}],`,
    ')',
  ].join('\n');
}

/** The file's text for these commands; undefined when there is none to approve. */
export function codexRules(commands: { test: string; build: string }): string | undefined {
  const rules = [
    ...(commands.test ? [prefixRule(commands.test, 'test')] : []),
    ...(commands.build ? [prefixRule(commands.build, 'build')] : []),
  ];
  if (rules.length === 0) return undefined;
  const header = [
    '# generator-ai-pack: the commands background agents may run without asking. Codex reads this file in a',
    '# project you trust. Change the commands with --test-command and --build-command, then run the generator again.',
  ];
  return `${[...header, '', rules.join('\n\n')].join('\n')}\n`;
}
