import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { templatesRoot } from '../io/paths.js';
import { spawnedAmong } from './answers.js';
import { type Answers, readPackFile, SETTINGS_PATH, selectedFiles } from './catalogue.js';
import { packSettings } from './pack-settings.js';
import { parseSettings } from './settings.js';
import type { JsonObject } from './strict-json.js';

/** What the pack writes for a set of answers: its files, its settings entries and its CLAUDE.md section. */
export interface PackContent {
  files: Record<string, string>;
  settings: JsonObject;
  /** The section's body, when the answers ask for one. */
  claudeMdSection: string | undefined;
}

export function packFor(answers: Answers): PackContent {
  const template = parseSettings(readPackFile(SETTINGS_PATH), join(templatesRoot, 'pack', SETTINGS_PATH));
  return {
    files: selectedFiles(answers),
    settings: withoutEmptyAllow(packSettings(template, answers)),
    claudeMdSection: answers.claudeMd ? claudeMdSection(answers) : undefined,
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
