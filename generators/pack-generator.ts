import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, posix, relative, resolve, sep } from 'node:path';
import Generator from 'yeoman-generator';
import { CLAUDE_MD_PATH } from './lib/catalogue.js';
import { removeSection } from './lib/claude-md.js';
import { AiPackError } from './lib/errors.js';
import { readManifest, type InstallManifest } from './lib/manifest.js';
import { packageVersion } from './lib/paths.js';

/** Beside a file the user changed, `--yes` writes the pack's new version under this suffix. */
export const NEW_VERSION_SUFFIX = '.ai-pack-new';
/** Where replaced or migrated files are kept, one folder per run. */
export const BACKUP_ROOT = '.claude/ai-pack-backup';

/** Summary kinds that are news rather than changes: a run with only these changed no file. */
const NOTE_KINDS = new Set(['kept', 'offered']);

/** Yeoman's environment options that change what the generators do. */
type BaseOptions = Generator['options'] & { force?: boolean; dryRun?: boolean };

/**
 * What the ai-pack generators share: the install manifest in `.yo-rc.json`, quiet writes, backups,
 * the no-terminal check and the closing summary. Yeoman glue only; decisions live in ./lib.
 */
export class PackGenerator<O extends object = object> extends Generator<Record<string, any>, BaseOptions & O> {
  protected readonly packageVersion = packageVersion;
  /** Repo-relative paths this run deletes. */
  protected readonly deletedPaths: string[] = [];
  private readonly changes: string[] = [];
  private readonly notes: string[] = [];
  private backupFolder: string | undefined;

  constructor(args: string[], options: BaseOptions & O) {
    // The pack installs no npm packages: never run the package manager or talk about it.
    super(args, options, { customInstallTask: true });
    this.argument('directory', { type: String, required: false, description: 'The repository to work in (default: the current folder)' });
    const { directory } = this.options as { directory?: string };
    if (directory) this.destinationRoot(resolve(directory));
  }

  /** The manifest saved by the last install; undefined where the pack was never installed by the generator. */
  protected manifest(): InstallManifest | undefined {
    const saved = this.config.getAll();
    return Object.keys(saved).length === 0 ? undefined : readManifest(saved, '.yo-rc.json');
  }

  protected saveManifest(manifest: InstallManifest): void {
    // An unchanged manifest is not written again: a run with nothing new leaves every file's mtime alone.
    if (JSON.stringify(this.manifest()) !== JSON.stringify(manifest)) this.config.set({ ...manifest });
  }

  /** A target we cannot write must fail before anything is written, not half-way through the commit. */
  protected checkTargetWritable(): void {
    for (const path of [this.destinationRoot(), this.destinationPath('.claude')]) {
      if (!existsSync(path)) continue;
      try {
        accessSync(path, constants.W_OK);
      } catch {
        throw new AiPackError(`cannot write to ${path}. Check its permissions (or run in a folder you own); nothing was written.`);
      }
    }
  }

  /**
   * Every file this run is about to write or delete must be writable: checked before the commit, so a
   * read-only sub-folder (say `.claude/skills`) stops the run with a message instead of half an install.
   */
  protected checkPendingWritable(): void {
    const root = this.destinationRoot();
    const blocked = new Set<string>();
    for (const file of this.fs.store.all() as { path: string; state?: string; contents?: Buffer | null }[]) {
      if (!file.state || !file.path.startsWith(root + sep)) continue;
      const exists = existsSync(file.path);
      if (file.state === 'deleted' && !exists) continue;
      if (file.state === 'modified' && exists && file.contents && readFileSync(file.path).equals(file.contents)) continue;
      // Writing a file needs the file (if it exists) or the nearest existing folder; deleting needs its folder.
      let target = file.state === 'modified' && exists ? file.path : dirname(file.path);
      while (!existsSync(target)) target = dirname(target);
      try {
        accessSync(target, constants.W_OK);
      } catch {
        blocked.add(relative(root, target).split(sep).join('/') || '.');
      }
    }
    if (blocked.size > 0) {
      throw new AiPackError(
        `cannot write to ${[...blocked].sort().join(', ')} in ${root}. Check the permissions (or run in a folder you own); nothing was written.`,
      );
    }
  }

  /** The adapter reads a real terminal, or is a test adapter that answers by itself. */
  protected canPrompt(): boolean {
    const adapter = this.env.adapter as { actualAdapter?: { stdin?: { isTTY?: boolean } } };
    const stdin = adapter.actualAdapter?.stdin;
    return stdin === undefined || stdin.isTTY === true;
  }

  /** Never wait for an answer no one can give (CI, pipes): stop at once and say how to go on. */
  protected requireTerminal(what: string): void {
    if (!this.canPrompt()) {
      throw new AiPackError(`no terminal to ask for ${what}. Run again with --yes to accept the defaults (or saved answers), or pass those options; nothing was written.`);
    }
  }

  /** Current content, including what this run has already written in memory. */
  protected readIfExists(path: string): string | undefined {
    return this.existsDestination(path) ? this.readDestination(path) : undefined;
  }

  protected readDisk(...pathSets: (Record<string, unknown> | undefined)[]): Record<string, string | undefined> {
    const paths = new Set(pathSets.flatMap((set) => Object.keys(set ?? {})));
    return Object.fromEntries([...paths].map((path) => [path, this.readIfExists(path)]));
  }

  /** Writes without the conflict prompt: for files the plan already knows are the pack's to write. */
  protected writeQuietly(path: string, content: string): void {
    const onDisk = existsSync(this.destinationPath(path));
    this.writeDestination(path, content);
    if (onDisk) (this.fs.store.get(this.destinationPath(path)) as { conflicter?: string }).conflicter = 'force';
  }

  /** Deletes without the conflict prompt: for files the plan already knows are the pack's to remove. */
  protected deleteQuietly(path: string): void {
    this.deleteDestination(path);
    (this.fs.store.get(this.destinationPath(path)) as { conflicter?: string }).conflicter = 'force';
    this.deletedPaths.push(path);
  }

  /** A `.ai-pack-new` file that still holds the pack's version has served its purpose once the file itself is settled. */
  protected removeLeftoverNewVersion(path: string, packContent: string): void {
    const leftover = path + NEW_VERSION_SUFFIX;
    if (this.readIfExists(leftover) !== packContent) return;
    this.deleteQuietly(leftover);
    this.report('removed', `${leftover} (the pack's version, no longer needed)`);
  }

  /** Takes the marked section out of CLAUDE.md; the file goes only when the section was all there was. */
  protected removeClaudeMdSection(): void {
    const text = this.readIfExists(CLAUDE_MD_PATH);
    if (text === undefined) return;
    const rest = removeSection(text);
    if (rest === text) return;
    if (rest === '') {
      this.deleteQuietly(CLAUDE_MD_PATH);
      this.report('removed', CLAUDE_MD_PATH);
    } else {
      this.writeQuietly(CLAUDE_MD_PATH, rest);
      this.report('cleaned', `${CLAUDE_MD_PATH} (the marked ai-pack section only)`);
    }
  }

  /** Copies a file into this run's backup folder; returns the folder, for the summary. */
  protected backUp(path: string): string {
    this.backupFolder ??= posix.join(BACKUP_ROOT, new Date().toISOString().replace(/[:.]/g, '-'));
    const target = posix.join(this.backupFolder, path);
    this.writeQuietly(target, this.readDestination(path));
    return this.backupFolder;
  }

  /** One line of the closing summary. */
  protected report(kind: string, text: string): void {
    (NOTE_KINDS.has(kind) ? this.notes : this.changes).push(`  ${kind.padEnd(9)} ${text}`);
  }

  protected printSummary(next: string): void {
    const dryRun = this.options.dryRun ? ' (dry run: nothing was written)' : '';
    const headline = this.changes.length === 0 ? ': already up to date, no file changed.' : `${dryRun}:`;
    this.log([`generator-ai-pack ${this.packageVersion}${headline}`, ...this.changes, ...this.notes].join('\n'));
    this.log(`\nNext: ${next}`);
  }
}
