import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Shipped } from '../lib/manifest.js';
import type { PackTemplates } from '../lib/pack.js';
import type { PluginSources } from '../lib/plugin.js';
import { packClaims } from '../lib/settings-claims.js';
import { packageRoot, packageVersion, templatesRoot } from './paths.js';
import { everShippedPaths, everShippedSettings, packFiles, packSettingsTemplate } from './releases.js';

/**
 * What the pack and the plugin are made from, read from the package's `templates/` (and `evals/`), and what some
 * version of the pack shipped: the pure modules that put them together (lib/pack.ts, lib/plugin.ts) or check an
 * install record (lib/manifest.ts) take it as input. Each is read once, on first use. (scripts/version.ts bundles
 * releases.ts alone: it stays free of the modules this one brings.)
 */

let pack: PackTemplates | undefined;

export function packTemplates(): PackTemplates {
  pack ??= {
    files: packFiles(),
    settings: packSettingsTemplate(),
    claudeMdSection: readTemplate('claude-md-section.md.ejs'),
    agentsMdSection: readTemplate('agents-md-section.md.ejs'),
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

let shippedOnce: Shipped | undefined;

/** What some version of the pack ships: the paths and settings entries an install record may claim. */
export function shipped(): Shipped {
  if (shippedOnce) return shippedOnce;
  // The pack as it is now is packTemplates()'s, not read again.
  const { files, settings } = packTemplates();
  shippedOnce = {
    paths: everShippedPaths(files),
    mayOwn: packClaims({ templates: everShippedSettings(settings), current: settings }),
  };
  return shippedOnce;
}
