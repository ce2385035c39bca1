import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { spawnedAmong } from './answers.js';
import { type Answers, readPackFile, SETTINGS_PATH, selectedFiles } from './catalogue.js';
import { agentsMdSection, needsAgentsMd } from './clients/agents-md.js';
import type { ConfigFile } from './clients/config-files.js';
import { otherClientFiles } from './clients/files.js';
import { OPENCODE_CONFIG, OPENCODE_JSONC, opencodeConfig } from './clients/opencode-config.js';
import { packSettings } from './pack-settings.js';
import { templatesRoot } from './paths.js';
import { parseSettings } from './settings.js';
import type { JsonObject } from './strict-json.js';

/**
 * What the pack writes for a set of answers: every chosen client's files, Claude Code's settings entries, the
 * entries for the other clients' config files, and its CLAUDE.md and AGENTS.md sections.
 */
export interface PackContent {
  files: Record<string, string>;
  /** Claude Code's settings entries; undefined when Claude Code is not among the clients. */
  settings: JsonObject | undefined;
  /** The section's body, when the answers ask for one. */
  claudeMdSection: string | undefined;
  /** The AGENTS.md section's body, when a chosen client reads AGENTS.md. */
  agentsMdSection: string | undefined;
  configs: ConfigFile[];
}

export function packFor(answers: Answers): PackContent {
  const template = parseSettings(readPackFile(SETTINGS_PATH), join(templatesRoot, 'pack', SETTINGS_PATH));
  const claude = answers.clients.includes('claude');
  const commands = { test: answers.testCommand, build: answers.buildCommand };
  return {
    files: {
      ...(claude ? selectedFiles(answers) : {}),
      // Every client's agents are made from Claude Code's, so those are the source whether or not it is chosen.
      ...otherClientFiles(answers, selectedFiles({ skills: answers.skills, agents: true })),
    },
    settings: claude ? withoutEmptyAllow(packSettings(template, answers)) : undefined,
    claudeMdSection: claude && answers.claudeMd ? claudeMdSection(answers) : undefined,
    agentsMdSection: needsAgentsMd(answers.clients) ? agentsMdSection(answers.skills) : undefined,
    configs: answers.clients.includes('opencode')
      ? [{ path: OPENCODE_CONFIG, entries: opencodeConfig(commands), keptIn: OPENCODE_JSONC }]
      : [],
  };
}

function claudeMdSection(answers: Answers): string {
  const template = readFileSync(join(templatesRoot, 'claude-md-section.md.ejs'), 'utf8');
  return ejs.render(template, { roles: answers.skills, agents: answers.agents ? spawnedAmong(answers.skills) : [] });
}

/** No command to approve: no `allow` list at all, rather than an empty one that reads as if something were missing. */
export function withoutEmptyAllow(settings: JsonObject): JsonObject {
  const permissions = settings.permissions as { allow?: unknown[] } | undefined;
  if (permissions?.allow?.length !== 0) return settings;
  const { allow: _none, ...rest } = permissions;
  return { ...settings, permissions: rest };
}
