import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Repository } from '../io/repository.js';
import { pluginSources } from '../io/templates.js';
import { AiPackError } from '../lib/errors.js';
import { type Plan, planCopy } from '../lib/plan.js';
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
 * the files come from lib/plugin.ts; this only makes the folder when it is missing, refuses one that holds
 * anything but its own marketplace, and writes.
 */
export default class PluginGenerator extends PackGenerator {
  /** The folder is missing and this is a dry run: nothing is made, the plan is for an empty folder. */
  #missing = false;
  /** This run made the folder: it is empty, and ours. */
  #made = false;

  initializing(): void {
    const where = this.destinationRoot();
    if (!lstatSync(where, { throwIfNoEntry: false })) this.#makeFolder(where);
    if (!this.#missing || this.#made) this.openRepository();
  }

  /** A missing folder is made (not on a dry run), only where it would be written: under an existing folder, outside .git. */
  #makeFolder(where: string): void {
    this.#missing = true;
    const parent = new Repository(dirname(where));
    if (basename(where).toLowerCase() === '.git')
      throw new AiPackError(
        `${where} would be a .git folder, which belongs to git; name another folder. Nothing was written.`,
      );
    if (this.options.dryRun) return;
    mkdirSync(join(parent.realRoot, basename(where)));
    this.#made = true;
  }

  protected override homeFolderRefusal = (home: string): string =>
    `${home} is your home folder: the marketplace goes into a folder of its own, e.g. ` +
    'generator-ai-pack plugin ~/ai-pack-marketplace (made when missing). Nothing was written.';

  writing(): void {
    const where = this.destinationRoot();
    const next =
      `claude plugin marketplace add ${where}, then claude plugin install ${PLUGIN_ID}. ` +
      `A project that uses the plugin still needs the permissions in ${join(where, PLUGIN_FOLDER, 'README.md')}.`;
    if (this.#missing && !this.#made) {
      // A dry run for a folder that does not exist yet: all of it would be added, the folder first.
      const plan = planCopy({ read: () => undefined, isFolder: () => false }, pluginFiles(pluginSources()));
      plan.lines.unshift({ kind: 'added', text: `${where}/ (the folder; it does not exist yet)` });
      this.applyAndReport(plan, next);
      return;
    }
    if (!this.#made) this.#refuseAnotherFolder();
    this.applyAndReport(this.#marketplaceFirst(planCopy(this.disk, pluginFiles(pluginSources()))), next);
  }

  /**
   * The marketplace manifest is renamed into place before any other file: a run stopped half-way leaves a
   * folder that declares itself ours, which the next run then finishes.
   */
  #marketplaceFirst(plan: Plan): Plan {
    return {
      ...plan,
      changes: plan.changes.map((change) =>
        change.path === MARKETPLACE_PATH ? { ...change, stage: 'first' as const } : change,
      ),
    };
  }

  /** Our own marketplace is refreshed in place; an empty folder is filled; anything else is left alone. */
  #refuseAnotherFolder(): void {
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
    // No marketplace of ours: the folder must hold nothing (a .git of its own aside) that a write could replace.
    const entries = readdirSync(this.repo.realRoot).filter((name) => name !== '.git');
    if (this.repo.read(MARKETPLACE_PATH) === undefined && entries.length > 0) {
      throw new AiPackError(
        `${this.destinationRoot()} holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) ` +
          `and no marketplace of the pack's (${MARKETPLACE_PATH}): the plugin generator writes only into an empty folder, ` +
          'one it made, or one holding its own marketplace. Name a new folder (it is made for you), e.g. ' +
          'generator-ai-pack plugin ~/ai-pack-marketplace; nothing was written.',
      );
    }
  }
}
