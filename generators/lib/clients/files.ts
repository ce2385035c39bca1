import { DEFAULT_ANSWERS } from '../catalogue.js';
import { agentPathOf, renderAgent } from './agents.js';
import { CLIENTS, type Client, SHARED_SKILLS } from './clients.js';
import { CODEX_RULES_PATH, codexRules } from './codex-rules.js';

/**
 * Every client's files, rendered from the Claude Code pack files (the one source): the skills copied once
 * into `.agents/skills/` for all clients that read it (copies, not links: some clients miss linked folders),
 * each client's role agents in its own format, and Codex's rules file. Pure: files in, files out.
 */

const CLAUDE_SKILLS = '.claude/skills/';
const CLAUDE_AGENT = /^\.claude\/agents\/([a-z0-9-]+)\.md$/;

type PackFiles = Record<string, string>;

/** Where a skill file (`.claude/skills/...`) is copied for the other clients; undefined for any other file. */
function sharedCopyPath(path: string): string | undefined {
  return path.startsWith(CLAUDE_SKILLS) ? `${SHARED_SKILLS}/${path.slice(CLAUDE_SKILLS.length)}` : undefined;
}

/** The skills of `files` (`.claude/skills/...`) as copies in `.agents/skills/`: the same bytes. */
function sharedSkillCopies(files: PackFiles): PackFiles {
  return Object.fromEntries(
    Object.entries(files).flatMap(([path, text]) => {
      const copy = sharedCopyPath(path);
      return copy ? [[copy, text]] : [];
    }),
  );
}

/** The agents of `files` (`.claude/agents/<role>.md`) in `client`'s own format and folder. */
function agentsFor(client: Exclude<Client, 'claude'>, files: PackFiles): PackFiles {
  return Object.fromEntries(
    Object.entries(files).flatMap(([path, text]) => {
      const role = CLAUDE_AGENT.exec(path)?.[1];
      return role ? [[agentPathOf(client, role), renderAgent(client, text, path)]] : [];
    }),
  );
}

export interface ClientChoice {
  clients: readonly Client[];
  /** Write each client's role agents (the answer `agents`). */
  agents: boolean;
  testCommand: string;
  buildCommand: string;
}

/** The files of the chosen clients other than Claude Code, from the pack files of the chosen roles. */
export function otherClientFiles(choice: ClientChoice, files: PackFiles): PackFiles {
  const others = choice.clients.filter((client): client is Exclude<Client, 'claude'> => client !== 'claude');
  if (others.length === 0) return {};
  const rules = others.includes('codex')
    ? codexRules({ test: choice.testCommand, build: choice.buildCommand })
    : undefined;
  return {
    ...sharedSkillCopies(files),
    ...(choice.agents ? Object.assign({}, ...others.map((client) => agentsFor(client, files))) : {}),
    ...(rules !== undefined && { [CODEX_RULES_PATH]: rules }),
  };
}

/**
 * Every file a version of the pack with these pack files may write for any client, for the default commands:
 * the paths an install record may name, and the contents a later update may find as a merge base.
 */
export function everyClientFile(files: PackFiles): PackFiles {
  return otherClientFiles({ ...DEFAULT_ANSWERS, clients: CLIENTS, agents: true }, files);
}

/**
 * The paths of `everyClientFile` for pack files at `paths`, without rendering any: what an install record may
 * name is known at start, while rendering (which reads agent frontmatter) waits until a merge needs a base.
 */
export function everyClientPath(paths: readonly string[]): string[] {
  const others = CLIENTS.filter((client): client is Exclude<Client, 'claude'> => client !== 'claude');
  return [
    ...paths.flatMap((path) => sharedCopyPath(path) ?? []),
    ...paths.flatMap((path) => {
      const role = CLAUDE_AGENT.exec(path)?.[1];
      return role ? others.map((client) => agentPathOf(client, role)) : [];
    }),
    ...(others.includes('codex') ? [CODEX_RULES_PATH] : []),
  ];
}
