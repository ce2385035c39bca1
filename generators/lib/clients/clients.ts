import { AiPackError } from '../errors.js';

/**
 * The coding clients the pack goes into, and what each reads, as data: where it finds skills and its own
 * agents, whether it reads AGENTS.md, where (if anywhere) the pack can approve commands for its agents, and
 * the files that show a repository already uses it. Each fact was checked against the pinned client itself
 * (test/clients.test.ts); Cursor is not here because no build of it can be run offline.
 */
export const CLIENTS = ['claude', 'codex', 'gemini', 'copilot', 'opencode'] as const;
export type Client = (typeof CLIENTS)[number];

/** The folder every client but Claude Code reads skills from: the pack's skills go there once for all of them. */
export const SHARED_SKILLS = '.agents/skills';

interface ClientFacts {
  /** As the summary and README name it. */
  label: string;
  /** Reads AGENTS.md (Claude Code does too, but has its own CLAUDE.md section). */
  readsAgentsMd: boolean;
  /** Where the client's own agent file for a role goes. */
  agentPath: (role: string) => string;
  /** Files or folders whose presence suggests the repository already uses the client. */
  signs: string[];
}

export const CLIENT_FACTS: Readonly<Record<Client, ClientFacts>> = {
  claude: {
    label: 'Claude Code',
    readsAgentsMd: false,
    agentPath: (role) => `.claude/agents/${role}.md`,
    signs: ['.claude', 'CLAUDE.md'],
  },
  codex: {
    label: 'Codex',
    readsAgentsMd: true,
    agentPath: (role) => `.codex/agents/${role}.toml`,
    signs: ['.codex'],
  },
  gemini: {
    label: 'Gemini CLI',
    // Only with `context.fileName` set in its settings; by default it reads GEMINI.md.
    readsAgentsMd: false,
    agentPath: (role) => `.gemini/agents/${role}.md`,
    signs: ['.gemini', 'GEMINI.md'],
  },
  copilot: {
    label: 'Copilot CLI',
    readsAgentsMd: true,
    agentPath: (role) => `.github/agents/${role}.agent.md`,
    signs: ['.github/copilot-instructions.md', '.github/agents', '.github/skills', '.github/instructions'],
  },
  opencode: {
    label: 'OpenCode',
    readsAgentsMd: true,
    agentPath: (role) => `.opencode/agents/${role}.md`,
    signs: ['.opencode', 'opencode.json', 'opencode.jsonc'],
  },
};

/** `--clients claude,codex` → clients in catalogue order; anything else is a clear error listing the valid ones. */
export function parseClients(input: string | readonly string[], source = '--clients'): Client[] {
  const names = (typeof input === 'string' ? input.split(',') : input).map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(CLIENTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const cursor = unknown.some((name) => name.toLowerCase() === 'cursor')
      ? ' Cursor is not supported: no build of it can be checked offline.'
      : '';
    throw new AiPackError(
      `Unknown client ${unknown.map((name) => JSON.stringify(name)).join(', ')} in ${source}. ` +
        `Valid clients: ${CLIENTS.join(', ')} (comma-separated, e.g. --clients claude,codex).${cursor}`,
    );
  }
  if (names.length === 0) throw new AiPackError(`${source} names no client. Valid clients: ${CLIENTS.join(', ')}.`);
  return CLIENTS.filter((client) => names.includes(client));
}

/** The clients whose signs the repository shows, with the signs found (for the prompt's suggestion). */
export function clientsSuggestedBy(exists: (path: string) => boolean): { clients: Client[]; signs: string[] } {
  const found = CLIENTS.map((client) => ({ client, signs: CLIENT_FACTS[client].signs.filter(exists) }));
  const used = found.filter(({ signs }) => signs.length > 0);
  return { clients: used.map(({ client }) => client), signs: used.flatMap(({ signs }) => signs) };
}
