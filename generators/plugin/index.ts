import { join } from 'node:path';
import { AiPackError } from '../lib/errors.js';
import { planCopy } from '../lib/plan.js';
import {
  MARKETPLACE_NAME,
  MARKETPLACE_PATH,
  manifestNameOf,
  PLUGIN_FOLDER,
  PLUGIN_ID,
  PLUGIN_NAME,
  pluginFiles,
} from '../lib/plugin.js';
import { PackGenerator } from '../pack-generator.js';

const PLUGIN_MANIFEST = `${PLUGIN_FOLDER}/.claude-plugin/plugin.json`;

/**
 * `generator-ai-pack plugin [dir]` / `yo ai-pack:plugin`: writes the pack as a Claude Code plugin
 * marketplace (`.claude-plugin/marketplace.json` and the `ai-pack` plugin in `plugin/`). Thin glue:
 * the files come from lib/plugin.ts; this only refuses a folder holding another marketplace and writes.
 */
export default class PluginGenerator extends PackGenerator {
  initializing(): void {
    this.openRepository();
  }

  writing(): void {
    this.#refuseAnotherMarketplace();
    const where = this.destinationRoot();
    this.applyAndReport(
      planCopy(this.disk, pluginFiles()),
      `claude plugin marketplace add ${where}, then claude plugin install ${PLUGIN_ID}. ` +
        `A project that uses the plugin still needs the permissions in ${join(where, PLUGIN_FOLDER, 'README.md')}.`,
    );
  }

  /** Our own marketplace is refreshed in place; anyone else's is left alone. */
  #refuseAnotherMarketplace(): void {
    const found = [
      [MARKETPLACE_PATH, MARKETPLACE_NAME, 'marketplace'],
      [PLUGIN_MANIFEST, PLUGIN_NAME, 'plugin'],
    ].flatMap(([path, ours, kind]) => {
      const text = this.repo.read(path);
      const name = text === undefined ? ours : manifestNameOf(text);
      return name === ours
        ? []
        : [
            `${join(this.destinationRoot(), path)} declares the ${kind} ${name ? `"${name}"` : '(unreadable)'}, not "${ours}"`,
          ];
    });
    if (found.length > 0) {
      throw new AiPackError(
        `${found.join('; ')}. This folder holds another plugin marketplace: run the plugin generator on an empty folder ` +
          `(generator-ai-pack plugin <folder>) or one it wrote before; nothing was written.`,
      );
    }
  }
}
