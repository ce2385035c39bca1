import { rmdirSync } from 'node:fs';
import { posix } from 'node:path';
import { DEFAULT_ANSWERS, SETTINGS_PATH, readPackFile, selectedPaths } from '../lib/catalogue.js';
import { statusOf, type InstallManifest } from '../lib/manifest.js';
import { removeSettingsText } from '../lib/settings.js';
import { PackGenerator } from '../pack-generator.js';

const YO_RC = '.yo-rc.json';

/**
 * `generator-ai-pack uninstall` / `yo ai-pack:uninstall`: takes out what the pack wrote and the user
 * has not changed (files, settings entries, the CLAUDE.md section); lists, and keeps, what the user edited.
 */
export default class UninstallGenerator extends PackGenerator {
  private installed = false;

  writing(): void {
    const manifest = this.manifest();
    if (!manifest) {
      this.log('generator-ai-pack is not installed here (no generator-ai-pack entry in .yo-rc.json): nothing to remove.');
      return;
    }
    this.installed = true;
    for (const { path, status } of statusOf({ recorded: manifest.files, onDisk: this.readDisk(manifest.files) })) {
      if (status === 'unchanged') this.#remove(path);
      if (status === 'modified') this.report('kept', `${path} (you edited it)`);
    }
    this.#removeLeftoverNewVersions();
    this.#unmergeSettings(manifest);
    this.removeClaudeMdSection();
    this.#forgetManifest();
    this.checkPendingWritable();
  }

  #remove(path: string): void {
    this.deleteQuietly(path);
    this.report('removed', path);
  }

  /** `.ai-pack-new` files still holding the pack's version are the pack's own leftovers. */
  #removeLeftoverNewVersions(): void {
    for (const path of selectedPaths(DEFAULT_ANSWERS)) this.removeLeftoverNewVersion(path, readPackFile(path));
  }

  #unmergeSettings({ settings: added, createdSettings }: InstallManifest): void {
    const text = this.readIfExists(SETTINGS_PATH);
    if (text === undefined) return;
    const remaining = removeSettingsText(text, added, SETTINGS_PATH);
    if (remaining.text === text) return;
    // A settings.json of the user's own stays, even when nothing but `{}` is left of it.
    if (remaining.empty && createdSettings) {
      this.#remove(SETTINGS_PATH);
    } else {
      this.writeQuietly(SETTINGS_PATH, remaining.text);
      this.report('cleaned', `${SETTINGS_PATH} (the pack's entries only; yours kept)`);
    }
  }

  /** Our entry leaves .yo-rc.json; the file goes too when nothing else is in it. */
  #forgetManifest(): void {
    const { [this.rootGeneratorName()]: _ours, ...others } = JSON.parse(this.readDestination(YO_RC));
    if (Object.keys(others).length === 0) {
      this.#remove(YO_RC);
    } else {
      this.writeQuietly(YO_RC, `${JSON.stringify(others, null, 2)}\n`);
    }
  }

  /** After the commit: folders the removed files leave empty go too (never one that still holds anything). */
  end(): void {
    // Not installed: the one line from writing() is the whole answer, not an "up to date" summary.
    if (!this.installed) return;
    if (!this.options.dryRun) {
      const folders = new Set(this.deletedPaths.flatMap((path) => ancestors(path)));
      for (const folder of [...folders].sort((a, b) => b.length - a.length)) removeIfEmpty(this.destinationPath(folder));
    }
    this.printSummary('The pack is out. Your own files, settings and backups are as they were.');
  }
}

function ancestors(path: string): string[] {
  const folders: string[] = [];
  for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) folders.push(dir);
  return folders;
}

function removeIfEmpty(folder: string): void {
  try {
    rmdirSync(folder); // fails, and so keeps the folder, when anything is still in it
  } catch {
    // not empty, or already gone: either way it is not ours to remove
  }
}
