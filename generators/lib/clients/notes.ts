import type { SummaryLine } from '../plan.js';
import type { Client } from './clients.js';
import { CODEX_RULES_PATH } from './codex-rules.js';
import { OPENCODE_CONFIG } from './opencode-config.js';

/**
 * What the summary says each chosen client's agents may do, beside the files: where the pack approved the
 * commands, and, for a client with no place for that (or none the pack may use without tightening the user's
 * setup), what its agents will do instead. Claude Code's lines are the answers' own (answer-sources.ts).
 */
export function clientNotes(clients: readonly Client[], commands: { test: string; build: string }): SummaryLine[] {
  const listed = [commands.test, commands.build].filter(Boolean);
  const quoted = listed.map((command) => JSON.stringify(command)).join(' and ');
  const notes: Record<Exclude<Client, 'claude'>, SummaryLine> = {
    codex: listed.length
      ? {
          kind: 'approved',
          text: `Codex: ${CODEX_RULES_PATH} lets its agents run ${quoted} without asking, and .codex/agents/ gives them their roles, once you trust the project in Codex`,
        }
      : { kind: 'no rule', text: 'Codex: no command to approve; its agents follow your approval policy' },
    gemini: {
      kind: 'no rule',
      text: 'Gemini CLI: it has no project file the pack can approve commands in, so its agents ask before running one (gemini -p offers them no shell); it loads .gemini/agents/ in a trusted folder, each agent once you acknowledge it',
    },
    copilot: {
      kind: 'no rule',
      text: `Copilot CLI: a repository cannot approve commands, so its agents ask before running one; copilot -p denies them unless run with ${listed.map((command) => `--allow-tool 'shell(${command}:*)'`).join(' ') || "--allow-tool 'shell(<command>:*)'"}`,
    },
    opencode: listed.length
      ? {
          kind: 'approved',
          text: `OpenCode: ${OPENCODE_CONFIG} allows ${quoted} for its agents; OpenCode's own default allows every command, so this matters where your config asks first`,
        }
      : {
          kind: 'no rule',
          text: 'OpenCode: no command to approve; its agents follow your opencode.json (its default allows every command)',
        },
  };
  return clients.flatMap((client) => (client === 'claude' ? [] : [notes[client]]));
}
