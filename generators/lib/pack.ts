import ejs from 'ejs';
import { spawnedAmong } from './answers.js';
import { type Answers, selectedFiles } from './catalogue.js';
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
}

/** What the pack writes for a set of answers: its files, its settings entries and its CLAUDE.md section. */
export interface PackContent {
  files: Record<string, string>;
  settings: JsonObject;
  /** The section's body, when the answers ask for one. */
  claudeMdSection: string | undefined;
}

export function packFor(answers: Answers, templates: PackTemplates): PackContent {
  return {
    files: selectedFiles(answers, templates.files),
    settings: withoutEmptyAllow(packSettings(templates.settings, answers)),
    claudeMdSection: answers.claudeMd ? claudeMdSection(templates.claudeMdSection, answers) : undefined,
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
