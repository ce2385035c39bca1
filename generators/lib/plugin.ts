import ejs from 'ejs';
import { type Answers, DEFAULT_ANSWERS, SPAWNED_ROLES, selectedFiles } from './catalogue.js';
import { AiPackError } from './errors.js';
import { parseFrontmatter, setFrontmatterList } from './frontmatter.js';
import { packSettings } from './pack-settings.js';
import { isJsonObject, type JsonObject } from './strict-json.js';

/**
 * The pack as a Claude Code plugin marketplace: one marketplace manifest and one plugin holding the
 * same skills, decision tree and agents as the project install, made from the same templates.
 * Pure: the templates in, the marketplace's files (path → text) out.
 */

export const PLUGIN_NAME = 'ai-pack';
export const MARKETPLACE_NAME = 'generator-ai-pack';
/** `claude plugin install <PLUGIN_ID>`, and the key in `enabledPlugins`. */
export const PLUGIN_ID = `${PLUGIN_NAME}@${MARKETPLACE_NAME}`;
export const MARKETPLACE_PATH = '.claude-plugin/marketplace.json';
/** The plugin's folder inside the marketplace. */
export const PLUGIN_FOLDER = 'plugin';

const AUTHOR = { name: 'The generator-ai-pack authors' };
const DESCRIPTION =
  'Parallel-execution skill pack for Claude Code: orchestrator, engineer, tester, reviewer and coordinator skills, ' +
  'a parallelization decision tree, and engineer, tester and reviewer agents. No hooks.';

/** In a plugin the client names agents and skills `<plugin>:<name>`. */
function pluginQualified(name: string): string {
  return `${PLUGIN_NAME}:${name}`;
}

/** What the plugin is made from (io/templates.ts reads it from the package). */
export interface PluginSources {
  /** The pack's files (`templates/pack/` but settings.json): the plugin holds them as the default answers select them. */
  files: Readonly<Record<string, string>>;
  /** The pack's settings template, for the settings a project that uses the plugin needs (in the README). */
  settings: JsonObject;
  /** The plugin README's template (`templates/plugin-readme.md.ejs`). */
  readme: string;
  /** The behaviour evals (`evals/`): path → content. */
  evals: Readonly<Record<string, string>>;
  /** The package's version, the plugin's too. */
  version: string;
}

/** Every file of the marketplace, keyed by its path relative to the marketplace root, in path order. */
export function pluginFiles(sources: PluginSources): Record<string, string> {
  const files: Record<string, string> = {
    [MARKETPLACE_PATH]: json(marketplaceManifest(sources.version)),
    [`${PLUGIN_FOLDER}/.claude-plugin/plugin.json`]: json(pluginManifest(sources.version)),
    [`${PLUGIN_FOLDER}/README.md`]: pluginReadme(sources),
  };
  for (const [path, text] of Object.entries(selectedFiles(DEFAULT_ANSWERS, sources.files))) {
    files[pluginPathOf(path)] = path.startsWith('.claude/agents/')
      ? namespaceAgent(text, path)
      : namespaceSkillFile(text, path);
  }
  // The behaviour evals ship with the plugin: `claude plugin eval ai-pack@<marketplace>` runs them (docs/evals.md).
  for (const [path, text] of Object.entries(sources.evals)) files[`${PLUGIN_FOLDER}/evals/${path}`] = text;
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function marketplaceManifest(version: string): JsonObject {
  return {
    name: MARKETPLACE_NAME,
    description: 'The generator-ai-pack skill pack for Claude Code, as a plugin.',
    owner: AUTHOR,
    plugins: [{ name: PLUGIN_NAME, source: `./${PLUGIN_FOLDER}`, description: DESCRIPTION, version }],
  };
}

function pluginManifest(version: string): JsonObject {
  return {
    name: PLUGIN_NAME,
    version,
    description: DESCRIPTION,
    author: AUTHOR,
    license: 'MIT',
    keywords: ['parallel', 'subagents', 'orchestration', 'skills'],
  };
}

/** `.claude/skills/x` → `plugin/skills/x`: a plugin keeps its skills and agents at its root. */
function pluginPathOf(path: string): string {
  if (!/^\.claude\/(skills|agents)\//.test(path)) throw new Error(`${path}: the plugin has no place for this file`);
  return path.replace(/^\.claude\//, `${PLUGIN_FOLDER}/`);
}

/** The orchestrator's reference for Claude Code: where its example Agent calls are. */
const CLAUDE_CODE_CALLS = '/orchestrator/references/claude-code.md';
const SPAWNED = SPAWNED_ROLES.join('|');
/** `subagent_type: "engineer"`, also with single quotes, `=` or a quoted key, as example calls may be written. */
const SPAWN_CALL = new RegExp(`(subagent_type["']?\\s*[:=]\\s*["'])(${SPAWNED})(["'])`, 'g');
/** What SPAWN_CALL leaves behind. */
const SPAWN_CALL_DONE = new RegExp(`subagent_type["']?\\s*[:=]\\s*["']${PLUGIN_NAME}:(${SPAWNED})["']`);
/** A role named in code font on a line about `subagent_type` ("`engineer` works as `subagent_type`"). */
const ROLE_IN_CODE = new RegExp(`\`(${SPAWNED})\``, 'g');
/** Any bare role still next to `subagent_type` after the rewrite: a form the rewrite does not know. */
const BARE_SPAWN = new RegExp(`subagent_type\\W{1,6}(${SPAWNED})\\b`);

/**
 * Skill text for the plugin: every spawn of a role agent names the plugin's agent (`ai-pack:engineer`).
 * Checked with client 2.1.332: in a plugin, `subagent_type: "engineer"` fails ("Agent type 'engineer'
 * not found") unless a project agent of that name exists, which it would then reach instead.
 * Throws when the templates spawn in a way this rewrite does not recognise, so drift is caught here.
 * @internal (exported for its tests too)
 */
export function namespaceSkillFile(text: string, file: string): string {
  const rewritten = text
    .replace(SPAWN_CALL, (_call, before: string, role: string, after: string) => before + pluginQualified(role) + after)
    .replace(/^.*subagent_type.*$/gm, (line) =>
      line.replace(ROLE_IN_CODE, (_code, role: string) => `\`${pluginQualified(role)}\``),
    );
  const leftover = BARE_SPAWN.exec(rewritten);
  if (leftover) {
    throw new Error(
      `${file}: "${leftover[0]}" names an agent in a form the plugin rewrite does not know; extend SPAWN_CALL in generators/lib/plugin.ts`,
    );
  }
  if (file.endsWith(CLAUDE_CODE_CALLS) && !SPAWN_CALL_DONE.test(rewritten)) {
    throw new Error(
      `${file}: no Agent call with subagent_type "<role>" found; the orchestrator's example calls for Claude Code are what the plugin rewrite namespaces`,
    );
  }
  return rewritten;
}

/**
 * Agent file for the plugin: the skill it preloads is named `ai-pack:<role>`. Checked with client 2.1.332:
 * a bare `<role>` is found too (through the agent's own plugin), but only after an exact match, so a
 * project's own skill of that name would be preloaded instead of the plugin's.
 * @internal (exported for its tests too)
 */
export function namespaceAgent(text: string, file: string): string {
  const { skills } = parseFrontmatter(text, file).data;
  if (!Array.isArray(skills) || skills.length === 0) {
    throw new Error(`${file}: expected a "skills:" list in the frontmatter (the role skill the agent preloads)`);
  }
  return setFrontmatterList(text, file, 'skills', skills.map(pluginQualified));
}

// ---------------------------------------------------------------------------------------------
// Settings for a project whose team uses the plugin

/** Where a team's `.claude/settings.json` tells the client to find the marketplace. */
export type MarketplaceSource =
  | { source: 'github'; repo: string }
  | { source: 'git'; url: string }
  | { source: 'directory'; path: string };

/** `owner/repo` (GitHub), a git URL, or an absolute folder path → the client's marketplace source. */
export function parseMarketplaceSource(input: string): MarketplaceSource {
  const value = input.trim();
  if (/^[\w.-]+\/[\w.-]+$/.test(value)) return { source: 'github', repo: value };
  if (/^(https?:\/\/|ssh:\/\/|git@)\S+$/.test(value)) return { source: 'git', url: value };
  if (value.startsWith('/')) return { source: 'directory', path: value };
  throw new AiPackError(
    `"${input}" is not a marketplace source. Give a GitHub repository (owner/generator-ai-pack), a git URL, or an absolute folder path.`,
  );
}

/**
 * What lets the plugin's engineer and tester edit: the client ignores `permissionMode` in a plugin's
 * agent files, so they edit only what the settings allow. This rule allows the agents' own worktrees
 * (in project settings `/` is the project root), never the main checkout: their work reaches it only
 * through the orchestrator's merge.
 * @internal (exported for its tests too)
 */
export const PLUGIN_EDIT_RULE = 'Edit(/.claude/worktrees/**)';

/**
 * The part of `.claude/settings.json` a team commits when it uses the plugin instead of the project
 * install: the pack's settings (a plugin cannot carry them; background agents cannot ask) with the
 * edit rule above, and the marketplace and plugin entries that make the client offer the install to
 * everyone who opens the repository. `template`: the pack's settings template. Meant for the same polite merge
 * as the project install's settings.
 */
export function pluginProjectSettings(
  template: JsonObject,
  answers: Pick<Answers, 'testCommand' | 'buildCommand'>,
  marketplace: MarketplaceSource,
): JsonObject {
  const settings = packSettings(template, answers);
  return {
    ...settings,
    permissions: { ...settings.permissions, allow: [...(settings.permissions?.allow ?? []), PLUGIN_EDIT_RULE] },
    extraKnownMarketplaces: { [MARKETPLACE_NAME]: { source: marketplace } },
    enabledPlugins: { [PLUGIN_ID]: true },
  };
}

/** The `name` a marketplace.json or plugin.json declares; undefined when the file is unreadable. */
export function manifestNameOf(text: string): string | undefined {
  try {
    const manifest: unknown = JSON.parse(text);
    return isJsonObject(manifest) && typeof manifest.name === 'string' ? manifest.name : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The plugin's README

/** The README (templates/plugin-readme.md.ejs), with the settings a project that uses the plugin needs. */
function pluginReadme({ readme, settings, version }: PluginSources): string {
  const example = pluginProjectSettings(settings, DEFAULT_ANSWERS, {
    source: 'github',
    repo: 'OWNER/generator-ai-pack',
  });
  return ejs.render(readme, {
    version,
    pluginId: PLUGIN_ID,
    editRule: PLUGIN_EDIT_RULE,
    settings: JSON.stringify(example, null, 2),
  });
}
