import ejs from 'ejs';
import { CLIENT_FACTS, type Client } from './clients.js';

/**
 * The pack's section in AGENTS.md, for the chosen clients that read that file (Codex, Copilot CLI, OpenCode),
 * between the same whole-line markers as the CLAUDE.md section (lib/claude-md.ts). Claude Code reads AGENTS.md
 * too, in every session, so the section stays a few lines long.
 */
export const AGENTS_MD_PATH = 'AGENTS.md';

export function needsAgentsMd(clients: readonly Client[]): boolean {
  return clients.some((client) => CLIENT_FACTS[client].readsAgentsMd);
}

/** The section's body for the chosen roles, from `templates/agents-md-section.md.ejs`. */
export function agentsMdSection(template: string, roles: readonly string[]): string {
  return ejs.render(template, { roles });
}
