import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import Generator, { type PromptQuestions } from 'yeoman-generator';
import { applyPlan } from './io/apply.js';
import { lockRepository } from './io/lock.js';
import { packageVersion } from './io/paths.js';
import { Repository } from './io/repository.js';
import { shipped } from './io/templates.js';
import { SETTINGS_PATH } from './lib/catalogue.js';
import { AiPackError } from './lib/errors.js';
import type { InstallRecord } from './lib/manifest.js';
import { type DiskView, entryNames, type Plan } from './lib/plan.js';
import { pluginEnabledBy } from './lib/plugin-enabled.js';
import { recordOf, USER_RECORD, YO_RC } from './lib/record-file.js';
import { formatPlan } from './lib/summary.js';
import { printable } from './lib/terminal-text.js';

/** Yeoman's environment options that change what the generators do. */
type BaseOptions = Generator['options'] & {
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  directory?: string;
  scope?: string;
};

/**
 * What the ai-pack generators share, as Yeoman glue: the repository (every path confined to it), the
 * lock, the install record, the no-terminal check, applying a plan and printing it. The decisions are
 * made by the pure planner in ./lib/plan.ts; the generators never write through Yeoman's in-memory file
 * system, so every write is checked, atomic, and inside the repository.
 */
export class PackGenerator<O extends object = object> extends Generator<Record<string, any>, BaseOptions & O> {
  protected readonly packageVersion = packageVersion;
  protected repo!: Repository;
  protected record: InstallRecord | undefined;
  /** The saved answers as stored, checked by the app generator before use. */
  protected savedAnswers: unknown;
  #release: (() => void) | undefined;
  #closeRepository: (() => void) | undefined;

  constructor(args: string[], options: BaseOptions & O) {
    const { env } = options as { env?: YeomanEnvironment };
    if (env) keepYeomanOffTheDisk(env, env.cwd);
    // The pack installs no npm packages: never run the package manager or talk about it. Nor does it keep
    // answers in ~/.yo-rc-global.json, which Yeoman would otherwise read at every prompt.
    super(args, { ...options, skipGlobalConfig: true }, { customInstallTask: true });
    if (this.log) (this as { log: Generator['log'] }).log = quietYeomanErrors(this.log);
    this.argument('directory', {
      type: String,
      required: false,
      description: 'The repository to work in (default: the current folder)',
    });
    this.option('yes', {
      type: Boolean,
      alias: 'y',
      description: 'Never prompt: accept the defaults (or the answers saved by the last run)',
    });
    this.option('scope', {
      type: String,
      description:
        'project (default): this repository; user: ~/.claude/skills and ~/.claude/agents, for every repository of yours',
    });
    if (this.options.directory) {
      this.destinationRoot(resolve(this.options.directory));
      keepYeomanOffTheDisk(this.env as YeomanEnvironment, this.destinationRoot());
    }
  }

  /** Yeoman names the app after ./package.json's "name", read with a blocking read of its own; the pack needs no name. */
  override determineAppname(): string {
    return basename(this.destinationRoot());
  }

  /** A personal install (`--scope user`): the skills and agents go into ~/.claude, with a record of their own there. */
  protected get personal(): boolean {
    const { scope = 'project' } = this.options;
    if (scope !== 'project' && scope !== 'user')
      throw new AiPackError(
        `--scope ${JSON.stringify(scope)}: give "project" (this repository, the default) or "user" (~/.claude, every repository of yours); nothing was written.`,
      );
    return scope === 'user';
  }

  /**
   * Why not the home folder, and what to do instead (the plugin generator has its own advice). A field, not
   * a method: Yeoman would run a generator's own methods as tasks.
   */
  protected homeFolderRefusal = (home: string): string =>
    `${home} is your home folder, not a project: its .claude/ holds your personal settings. ` +
    'For skills in every repository of yours, run with --scope user; for one project, run inside it. Nothing was written.';

  /** Where the install record lives: `.yo-rc.json` in a project, ~/.claude/generator-ai-pack.json for a personal install. */
  protected get recordPath(): string {
    return this.personal ? USER_RECORD : YO_RC;
  }

  /** Opens the repository, takes its lock and reads the install record: before any question or plan. */
  protected openRepository(): void {
    this.repo = this.personal
      ? new Repository(this.#homeFolder(), { personal: true })
      : new Repository(this.destinationRoot());
    // Its folder handles go when the run is done; on an error, when the process exits.
    const repo = this.repo;
    this.#closeRepository = () => repo.close();
    process.once('exit', this.#closeRepository);
    if (!this.personal && this.repo.realRoot === safeRealHome())
      throw new AiPackError(this.homeFolderRefusal(this.repo.root));
    // Before the lock, which yo's unprivileged user could not take either (its folder is in root's home).
    this.#refuseWhereYoDroppedRoot();
    this.#release = lockRepository(this.repo.realRoot);
    // Released when the run is done; on an error, when the process exits.
    process.once('exit', this.#release);
    const { record, ignored, ignoredSettings, answers } = recordOf(
      this.repo.read(this.recordPath),
      shipped(),
      this.repo.shown(this.recordPath),
    );
    this.record = record;
    this.savedAnswers = answers;
    for (const path of ignored)
      this.warn(
        `${this.repo.shown(this.recordPath)} names ${JSON.stringify(path)}, which is not a file the pack ever ships: left alone.`,
      );
    for (const name of new Set(entryNames(ignoredSettings)))
      this.warn(
        `${this.repo.shown(this.recordPath)} claims the settings entry ${JSON.stringify(name)} for the pack, which no version of the pack writes: left alone.`,
      );
  }

  /** The home folder of a personal install: HOME, which must name an existing folder. */
  #homeFolder(): string {
    if (this.options.directory)
      throw new AiPackError(
        '--scope user installs into your home folder: leave out the directory; nothing was written.',
      );
    const home = homedir();
    if (!isAbsolute(home))
      throw new AiPackError(
        `--scope user installs into your home folder, but HOME is ${home === '' ? 'empty' : `"${home}", not an absolute path`}. ` +
          'Set HOME to your home folder (or run without --scope user, in a project); nothing was written.',
      );
    return home;
  }

  /** The repository as the planner reads it: confined, never blocking. */
  protected get disk(): DiskView {
    return {
      read: (path) => this.repo.read(path),
      isFolder: (path) => this.repo.isFolder(path),
      sameFile: (a, b) => this.repo.sameFile(a, b),
      shown: (path) => this.repo.shown(path),
    };
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
      throw new AiPackError(
        `no terminal to ask for ${what}. Run again with --yes to accept the defaults (or saved answers), or pass those options; nothing was written.`,
      );
    }
  }

  /**
   * Asks at the terminal. The input ending at a question (Ctrl-D) stops the run with exit code 1 and one
   * line, before anything is written (Ctrl-C there: see the launcher's report).
   */
  protected async ask<A extends Record<string, any>>(questions: PromptQuestions<A>): Promise<A> {
    let inputEnded = () => {};
    // With the input gone nothing is left for Node to wait on: it would end the run in the middle of the question.
    const ended = new Promise<never>((_resolve, reject) => {
      inputEnded = () =>
        reject(
          new AiPackError(
            'the input ended at a question (Ctrl-D); nothing was written. Run again and answer it, or pass --yes to accept the defaults.',
          ),
        );
    });
    process.once('beforeExit', inputEnded);
    const answered = this.prompt<A>(questions);
    // The prompt library rejects once more when the process exits: that is not news.
    answered.catch(() => {});
    try {
      return await Promise.race([answered, ended]);
    } finally {
      process.removeListener('beforeExit', inputEnded);
    }
  }

  /**
   * The settings files that may turn the ai-pack plugin on here, most local first: the project's own and
   * the user's (for a personal install the folder is the home folder, so its settings are the user's).
   * `settings`: the folder's settings.json as it will be, when a run is about to change it.
   */
  protected pluginEnabledBy(settings = this.#readOrNothing(SETTINGS_PATH)): string | undefined {
    if (this.personal) return pluginEnabledBy([{ file: '~/.claude/settings.json', text: settings }]);
    return pluginEnabledBy([
      { file: '.claude/settings.local.json', text: this.#readOrNothing('.claude/settings.local.json') },
      { file: SETTINGS_PATH, text: settings },
      { file: '~/.claude/settings.json', text: readUserSettings() },
    ]);
  }

  /** A file's text for a check that only looks (a file it cannot read says nothing). */
  #readOrNothing(path: string): string | undefined {
    try {
      return this.repo.read(path);
    } catch {
      return undefined;
    }
  }

  /** Applies the plan (unless --dry-run), prints what it did, and lets the next run in. */
  protected applyAndReport(plan: Plan, next: string): void {
    if (!this.options.dryRun) applyPlan(this.repo, plan.changes, plan.emptiedFolders);
    const record = this.personal ? `~/${this.recordPath}` : this.recordPath;
    this.print(formatPlan(plan, { version: this.packageVersion, dryRun: this.options.dryRun === true, next, record }));
    this.done();
  }

  /**
   * `yo`, started as root, runs generators as an unprivileged user (it drops root) that cannot write a folder
   * root owns: say that, and what to do, rather than only "cannot write".
   */
  #refuseWhereYoDroppedRoot(): void {
    const uid = process.getuid?.();
    const script = process.argv[1] ?? '';
    const underYo = basename(script) === 'yo' || script.endsWith('/yo/lib/cli.js');
    if (!underYo || uid === undefined || uid === 0) return;
    try {
      accessSync(this.repo.realRoot, constants.W_OK);
      return;
    } catch {
      // Not writable: whose home does the environment name? Root's, when yo dropped root.
    }
    if (ownerOf(homedir()) !== 0) return;
    throw new AiPackError(
      `yo was started as root, so it runs generators as an unprivileged user (uid ${uid}), who cannot write to ${this.repo.root}. ` +
        'Run the generator without yo, as root: npx generator-ai-pack (or generator-ai-pack); or start yo as the user who owns the folder. Nothing was written.',
    );
  }

  /** The run's work is over: the repository's lock goes. */
  protected done(): void {
    for (const letGo of [this.#release, this.#closeRepository]) {
      if (!letGo) continue;
      process.removeListener('exit', letGo);
      letGo();
    }
    this.#release = undefined;
    this.#closeRepository = undefined;
  }

  /**
   * Results go to stdout, so `generator-ai-pack status > file` captures them; warnings and errors to stderr.
   * Control characters from the repository are escaped (lib/terminal-text.ts); a warning is one line.
   */
  protected print(text: string): void {
    process.stdout.write(`${printable(text, 'lines')}\n`);
  }

  protected warn(text: string): void {
    process.stderr.write(`warning: ${printable(text)}\n`);
  }
}

/** Yeoman logs "An error occured while running …" before our own message: the user needs only ours. */
function quietYeomanErrors(log: Generator['log']): Generator['log'] {
  const error = (message: unknown, ...rest: unknown[]) =>
    typeof message === 'string' && message.startsWith('An error occured while running')
      ? log
      : log.error(message as string, ...(rest as []));
  return new Proxy(log, { get: (target, key) => (key === 'error' ? error : Reflect.get(target, key)) });
}

/** The user's own settings (~/.claude/settings.json), read like a repository file; undefined when there are none or they cannot be read. */
function readUserSettings(): string | undefined {
  try {
    return new Repository(homedir()).read(SETTINGS_PATH);
  } catch {
    return undefined;
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return statSync(path).uid;
  } catch {
    return undefined;
  }
}

function safeRealHome(): string | undefined {
  try {
    return realpathSync(homedir());
  } catch {
    return undefined;
  }
}

/** What the generators need of Yeoman's environment here: its working folder and its in-memory file store. */
interface YeomanEnvironment {
  cwd: string;
  sharedFs: { add(file: { path: string; contents: null }): unknown };
}

/**
 * Yeoman reads `.yo-rc.json` of the folder it works in (its config storage, at construction and at every
 * prompt) with blocking reads of its own: a FIFO there would hang the run, a huge file would end in a stack
 * trace. The pack keeps no settings in Yeoman's config (its record is read through io/repository.ts), so
 * Yeoman's in-memory file store is told there is no such file, and Yeoman never opens it.
 */
function keepYeomanOffTheDisk(env: YeomanEnvironment, folder: string): void {
  env.sharedFs.add({ path: join(resolve(folder), YO_RC), contents: null });
}
