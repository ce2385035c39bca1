// What the orchestrator skill tells the orchestrator to do, read from its text and from its reference for
// the client (references/claude-code.md: the client's calls for each step), so that a scripted session does
// what the skill says (and a scenario fails when the skill says something that does not work). Nothing here
// knows the wording of a particular version beyond the texts' own structure: the skill's numbered sections,
// its fan-in table with one row per result and commands in code spans; the reference's example Agent call
// and its "Continue:" item.

export interface Procedure {
  /** Folders that get a `.gitignore` holding `*` before the first launch (briefs, worktrees). */
  ignoredFolders: string[];
  /** The parameters of the reference's example Agent call (`subagent_type`, `isolation`, ...). */
  launch: Record<string, string | boolean>;
  /** The command that saves the change for the reviewer, if the skill gives one. */
  reviewerDiff: string | undefined;
  /** The fan-in table: its "What to do" cell by result (`done`, `needs context`, ...). */
  fanIn: Record<string, string>;
  /** How the `done` row reads an isolated agent's change: a command with `<worktree>` in it. */
  reviewCommand: string | undefined;
  /** What follows the reading, for an isolated agent: commit, merge and clean-up, with `<worktree>`, `<branch>`. */
  mergeCommands: string[];
  /** The client tool the reference names for continuing an agent (what the skill's "continue it" means there). */
  continueWith: string | undefined;
}

/** The text of the `## <n>.` section of a skill. */
function section(skill: string, number: number): string {
  const start = skill.search(new RegExp(`^## ${number}\\.`, 'm'));
  if (start === -1) return '';
  const end = skill.slice(start + 3).search(/^## /m);
  return end === -1 ? skill.slice(start) : skill.slice(start, start + 3 + end);
}

/** Every code span of a text (code blocks left out), its inner line breaks read as spaces. */
function codeSpans(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/`([^`]+)`/g)].map(([, span]) => span.replace(/\s+/g, ' '));
}

function paragraphs(text: string): string[] {
  return text.split(/\n\s*\n/);
}

/** The folders a text's paragraphs about a `.gitignore` name (code spans ending in `/`). */
function ignoredIn(text: string): string[] {
  return paragraphs(text)
    .filter((paragraph) => paragraph.includes('`.gitignore`'))
    .flatMap((paragraph) => codeSpans(paragraph).filter((span) => span.endsWith('/')));
}

/** `skill`: the orchestrator's SKILL.md; `reference`: its reference for the client the scenario runs. */
export function readProcedure(skill: string, reference: string): Procedure {
  const brief = section(skill, 2);
  const launch = section(skill, 3);
  const fanIn = section(skill, 4);
  const call = /```[^\n]*\n(Agent\([\s\S]*?\))\n```/.exec(reference)?.[1] ?? '';
  const continuing = /^- Continue:[\s\S]*?(?=^- |^#|(?![\s\S]))/m.exec(reference)?.[0];
  const rows = fanIn.split('\n').filter((line) => /^\| [a-z]/.test(line));
  const table = Object.fromEntries(
    rows.map((row) => row.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim())),
  );
  const afterTable =
    paragraphs(fanIn.slice(fanIn.lastIndexOf('|') + 1)).find((text) => text.includes('<branch>')) ?? '';
  return {
    ignoredFolders: [...new Set([...ignoredIn(brief), ...ignoredIn(reference)])],
    launch: Object.fromEntries(
      [...call.matchAll(/(\w+): ("([^"]*)"|true|false)/g)].map(([, key, raw, text]) => [key, text ?? raw === 'true']),
    ),
    reviewerDiff: codeSpans(launch).find((span) => span.includes('.diff')),
    fanIn: table,
    reviewCommand: codeSpans(table.done ?? '').find((span) => span.includes('<worktree>')),
    mergeCommands: codeSpans(afterTable).filter((span) => /<worktree>|<branch>/.test(span)),
    continueWith: clientTool(continuing),
  };
}

function clientTool(text: string | undefined): string | undefined {
  return /\b([A-Z][a-z]+(?:[A-Z][a-z]+)+)\b/.exec(text ?? '')?.[1];
}

/**
 * The client tool a fan-in row (or a pitfall's remedy) says to use: one it names (`SendMessage`), or, where it
 * says to continue the agent in the skill's client-neutral words, the tool the reference names for that.
 */
export function toolOf(row: string | undefined, procedure: Procedure): string | undefined {
  return clientTool(row) ?? (/\bcontinue\b/i.test(row ?? '') ? procedure.continueWith : undefined);
}

/** A command of the skill for one isolated agent: its worktree, branch and a commit message filled in. */
export function forAgent(command: string, agent: { worktreePath?: string; worktreeBranch?: string }): string {
  if (!agent.worktreePath || !agent.worktreeBranch) throw new Error(`no worktree to run \`${command}\` in`);
  return command
    .replaceAll('<worktree>', agent.worktreePath)
    .replaceAll('<branch>', agent.worktreeBranch)
    .replaceAll('"..."', '"The agent\'s work"');
}
