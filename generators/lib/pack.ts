import ejs from 'ejs';
import { spawnedAmong } from './answers.js';
import { type Answers, selectedFiles } from './catalogue.js';
import { agentsMdSection, needsAgentsMd } from './clients/agents-md.js';
import type { ConfigFile } from './clients/config-files.js';
import { otherClientFiles } from './clients/files.js';
import { OPENCODE_CONFIG, OPENCODE_JSONC, opencodeConfig } from './clients/opencode-config.js';
import { packSettings } from './pack-settings.js';
import type { JsonObject } from './strict-json.js';

/** What the pack is made from: the package's templates (io/templates.ts reads them). */
export interface PackTemplates {
  /** `templates/pack/` but its settings.json: repo-relative path → content. */
  files: Readonly<Record<string, string>>;
  /** `templates/pack/.claude/settings.json`: the pack's settings for the default answers. */
  settings: JsonObject;
  /** `templates/claude-md-section.md.ejs`. */
  claudeMdSection: string;
  /** `templates/agents-md-section.md.ejs`. */
  agentsMdSection: string;
}

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

export function packFor(answers: Answers, templates: PackTemplates): PackContent {
  const claude = answers.clients.includes('claude');
  const commands = { test: answers.testCommand, build: answers.buildCommand };
  return {
    files: {
      ...(claude ? selectedFiles(answers, templates.files) : {}),
      // Every client's agents are made from Claude Code's, so those are the source whether or not it is chosen.
      ...otherClientFiles(answers, selectedFiles({ skills: answers.skills, agents: true }, templates.files)),
    },
    settings: claude ? withoutEmptyAllow(packSettings(templates.settings, answers)) : undefined,
    claudeMdSection: claude && answers.claudeMd ? claudeMdSection(templates.claudeMdSection, answers) : undefined,
    agentsMdSection: needsAgentsMd(answers.clients)
      ? agentsMdSection(templates.agentsMdSection, answers.skills)
      : undefined,
    configs: answers.clients.includes('opencode')
      ? [{ path: OPENCODE_CONFIG, entries: opencodeConfig(commands), keptIn: OPENCODE_JSONC }]
      : [],
  };
}

function claudeMdSection(template: string, answers: Answers): string {
  return ejs.render(template, { roles: answers.skills, agents: answers.agents ? spawnedAmong(answers.skills) : [] });
}

/** No command to approve: no `allow` list at all, rather than an empty one that reads as if something were missing. */
export function withoutEmptyAllow(settings: JsonObject): JsonObject {
  const permissions = settings.permissions as { allow?: unknown[] } | undefined;
  if (permissions?.allow?.length !== 0) return settings;
  const { allow: _none, ...rest } = permissions;
  return { ...settings, permissions: rest };
}
