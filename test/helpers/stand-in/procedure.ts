// What the orchestrator skill tells the orchestrator to do, read from its text, so that a scripted session
// does what the skill says (and a scenario fails when the skill says something that does not work).
// Nothing here knows the wording of a particular version beyond the skill's own structure: numbered
// sections, an example Agent call, the fan-in table with one row per result, commands in code spans.

export interface Procedure {
  /** Folders that get a `.gitignore` holding `*` before the first launch (briefs, worktrees). */
  ignoredFolders: string[];
  /** The parameters of the skill's example Agent call (`subagent_type`, `isolation`, ...). */
  launch: Record<string, string | boolean>;
  /** The command that saves the change for the reviewer, if the skill gives one. */
  reviewerDiff: string | undefined;
  /** The fan-in table: its "What to do" cell by result (`done`, `needs context`, ...). */
  fanIn: Record<string, string>;
  /** How the `done` row reads an isolated agent's change: a command with `<worktree>` in it. */
  reviewCommand: string | undefined;
  /** What follows the reading, for an isolated agent: commit, merge and clean-up, with `<worktree>`, `<branch>`. */
  mergeCommands: string[];
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

export function readProcedure(skill: string): Procedure {
  const brief = section(skill, 2);
  const launch = section(skill, 3);
  const fanIn = section(skill, 4);
  const ignoring = paragraphs(brief).find((paragraph) => paragraph.includes('`.gitignore`')) ?? '';
  const call = /```[^\n]*\n(Agent\([\s\S]*?\))\n```/.exec(launch)?.[1] ?? '';
  const rows = fanIn.split('\n').filter((line) => /^\| [a-z]/.test(line));
  const table = Object.fromEntries(
    rows.map((row) => row.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim())),
  );
  const afterTable =
    paragraphs(fanIn.slice(fanIn.lastIndexOf('|') + 1)).find((text) => text.includes('<branch>')) ?? '';
  return {
    ignoredFolders: codeSpans(ignoring).filter((span) => span.endsWith('/')),
    launch: Object.fromEntries(
      [...call.matchAll(/(\w+): ("([^"]*)"|true|false)/g)].map(([, key, raw, text]) => [key, text ?? raw === 'true']),
    ),
    reviewerDiff: codeSpans(launch).find((span) => span.includes('.diff')),
    fanIn: table,
    reviewCommand: codeSpans(table.done ?? '').find((span) => span.includes('<worktree>')),
    mergeCommands: codeSpans(afterTable).filter((span) => /<worktree>|<branch>/.test(span)),
  };
}

/** The client tool a fan-in row says to use (`SendMessage`), if it names one. */
export function toolOf(row: string | undefined): string | undefined {
  return /\b([A-Z][a-z]+(?:[A-Z][a-z]+)+)\b/.exec(row ?? '')?.[1];
}

/** A command of the skill for one isolated agent: its worktree, branch and a commit message filled in. */
export function forAgent(command: string, agent: { worktreePath?: string; worktreeBranch?: string }): string {
  if (!agent.worktreePath || !agent.worktreeBranch) throw new Error(`no worktree to run \`${command}\` in`);
  return command
    .replaceAll('<worktree>', agent.worktreePath)
    .replaceAll('<branch>', agent.worktreeBranch)
    .replaceAll('"..."', '"The agent\'s work"');
}
