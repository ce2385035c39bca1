import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackTemplates } from '../lib/pack.js';
import type { PluginSources } from '../lib/plugin.js';
import { packageRoot, packageVersion, templatesRoot } from './paths.js';
import { packFiles, packSettingsTemplate } from './releases.js';

/**
 * What the pack and the plugin are made from, read from the package's `templates/` (and `evals/`): the pure
 * modules that put them together (lib/pack.ts, lib/plugin.ts) take it as input. The pack's templates are read
 * once, on first use.
 */

let pack: PackTemplates | undefined;

export function packTemplates(): PackTemplates {
  pack ??= {
    files: packFiles(),
    settings: packSettingsTemplate(),
    claudeMdSection: readTemplate('claude-md-section.md.ejs'),
  };
  return pack;
}

/** The plugin's sources: the pack's templates, its README's template, the behaviour evals it ships, the version. */
export function pluginSources(): PluginSources {
  const { files, settings } = packTemplates();
  return {
    files,
    settings,
    readme: readTemplate('plugin-readme.md.ejs'),
    evals: packFiles(join(packageRoot, 'evals')),
    version: packageVersion,
  };
}

function readTemplate(name: string): string {
  return readFileSync(join(templatesRoot, name), 'utf8');
}
