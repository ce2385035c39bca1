import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { templatesRoot } from '../paths.js';
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

/** The section's body for the chosen roles. */
export function agentsMdSection(roles: readonly string[]): string {
  const template = readFileSync(join(templatesRoot, 'agents-md-section.md.ejs'), 'utf8');
  return ejs.render(template, { roles });
}
