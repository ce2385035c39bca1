import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { PromptQuestions } from 'yeoman-generator';
import { releasedContent } from '../io/releases.js';
import { Repository } from '../io/repository.js';
import { packTemplates, shipped } from '../io/templates.js';
import {
  answerLines,
  answersShownBy,
  checkSavedSources,
  type Guess,
  guessOf010,
  type Resolution,
  resolveAnswers,
  sourcesOf,
} from '../lib/answer-sources.js';
import {
  ANSWER_SPECS,
  type AnswerSpec,
  belongsTo,
  COMMAND_SPECS,
  checkAnswers,
  checkSavedAnswers,
  promptProblem,
} from '../lib/answers.js';
import { type Answers, DEFAULT_ANSWERS, ROLES, SETTINGS_PATH } from '../lib/catalogue.js';
import { CLIENT_FACTS, CLIENTS, type Client, clientsSuggestedBy } from '../lib/clients/clients.js';
import { clientNotes } from '../lib/clients/notes.js';
import { type Detection, detectCommands } from '../lib/detect.js';
import { AiPackError } from '../lib/errors.js';
import type { InstallRecord } from '../lib/manifest.js';
import { packFor, withoutEmptyAllow } from '../lib/pack.js';
import { type EditedFilePolicy, type Offer, type Plan, planInstall } from '../lib/plan.js';
import { PLUGIN_ID, parseMarketplaceSource, pluginProjectSettings } from '../lib/plugin.js';
import { bothInstalledWarning } from '../lib/plugin-enabled.js';
import { RECORD_KEY, YO_RC } from '../lib/record-file.js';
import { parseSettings } from '../lib/settings.js';
import { sameJson } from '../lib/strict-json.js';
import { printable } from '../lib/terminal-text.js';
import { mergeThreeWay } from '../lib/three-way.js';
import { PackGenerator } from '../pack-generator.js';

type Options = Partial<Record<keyof Answers, string | boolean>>;

/**
 * `yo ai-pack` / `generator-ai-pack`: installs the pack, or updates it in place. Thin glue: the answers
 * are declared in lib/answers.ts and worked out in lib/answer-sources.ts, the plan comes from lib/plan.ts;
 * this class asks, plans, applies and prints.
 */
export default class AppGenerator extends PackGenerator<Options> {
  private answers!: Answers;
  /** The answers and where each came from; the prompt may change both. */
  private resolution!: Resolution;
  private given: Partial<Answers> = {};
  private saved: Partial<Answers> = {};
  private detected: Detection = {};

  constructor(args: string[], options: ConstructorParameters<typeof PackGenerator<Options>>[1]) {
    super(args, options);
    for (const spec of ANSWER_SPECS)
      this.option(spec.option, { type: spec.kind === 'boolean' ? Boolean : String, description: spec.help });
  }

  initializing(): void {
    this.openRepository();
    if (!this.personal) this.#warnWhereItMatters();
    // The user's settings must be mergeable before any question is asked: otherwise nothing is written.
    const settings = this.repo.read(SETTINGS_PATH);
    if (settings !== undefined) parseSettings(settings, this.repo.shown(SETTINGS_PATH));
    this.given = checkAnswers(this.options as Record<string, unknown>, (spec) => `--${spec.option}`);
    const misplaced = ANSWER_SPECS.filter(
      (spec) => this.given[spec.name] !== undefined && !belongsTo(spec, this.personal),
    );
    if (misplaced.length > 0) {
      const options = misplaced.map((spec) => `--${spec.option}`).join(', ');
      throw new AiPackError(
        this.personal
          ? `${options}: for a project install, not --scope user; leave it out (or run in the project without --scope user); nothing was written.`
          : `${options}: only with --scope user (the install in ~/.claude); add --scope user or leave it out; nothing was written.`,
      );
    }
  }

  /** A pack in a subfolder, one git will not commit, or a folder git does not track is easy to miss: say so before writing. */
  #warnWhereItMatters(): void {
    const root = this.repo.gitRoot();
    if (!isGitWorkTree(root)) {
      this.warn(
        `${this.repo.root} is not in a git repository: the pack is meant to be committed with the project, so that teammates get it and git shows your edits to it. If this is a project, run git init first.`,
      );
      return;
    }
    if (root !== this.repo.realRoot) {
      this.warn(
        `${this.repo.root} is a subfolder of the repository at ${root}: Claude Code finds this .claude/ only when started here or below (run the generator in ${root} for the whole repository).`,
      );
    }
    const ignoredBy = gitIgnoreRule(this.repo.realRoot, '.claude/settings.json');
    if (ignoredBy)
      this.warn(
        `git ignores .claude/ here (${ignoredBy}), so teammates will not get the pack when you commit; change that rule to share it.`,
      );
  }

  /**
   * Each answer: an option, else a saved choice, else this version's guess (what the repository's build
   * files say, or the pack's default); a saved guess is guessed again, so an update keeps choices only.
   */
  #resolve(): Resolution {
    const savedSources = checkSavedSources(this.record?.sources, this.recordPath);
    // A record from before sources were kept (0.1.0, 0.2.0) says less: what it shows and what 0.1.0 guessed help.
    const old = this.record && !this.record.sources ? this.record : undefined;
    this.saved = {
      ...(old && this.#shownByOldRecord(old)),
      ...checkSavedAnswers(this.savedAnswers, this.recordPath, RECORD_KEY),
    };
    const detect = !this.personal && COMMAND_SPECS.some((spec) => this.given[spec.name] === undefined);
    // Both commands given: nothing to detect, so nothing of the repository is read for it.
    this.detected = detect ? this.#detect() : {};
    const guesses = Object.fromEntries(ANSWER_SPECS.map((spec) => [spec.name, this.#guess(spec)]));
    const guessed010 = old && guessOf010((path) => this.repo.read(path));
    const resolution = resolveAnswers({
      given: this.given,
      saved: this.saved,
      savedSources,
      guesses: guesses as Record<keyof Answers, Guess>,
      // "None" was a guess too: nothing was detected then.
      oldGuesses: guessed010
        ? Object.fromEntries(COMMAND_SPECS.map((spec) => [spec.name, ['', guessed010[spec.name]]]))
        : {},
    });
    // A note (a second build system) matters only when a command was guessed from the build files.
    if (COMMAND_SPECS.some((spec) => resolution.how[spec.name].source === 'detected'))
      for (const note of this.detected.notes ?? []) this.warn(note);
    return resolution;
  }

  /** What a record of 0.1.0 or 0.2.0 shows of answers it did not keep, as far as it passes today's checks. */
  #shownByOldRecord(record: InstallRecord): Partial<Answers> {
    return Object.fromEntries(
      Object.entries(answersShownBy(record, this.personal)).flatMap(([name, value]) => {
        try {
          return Object.entries(checkAnswers({ [name]: value }, () => this.recordPath));
        } catch {
          return [];
        }
      }),
    );
  }

  /**
   * What this version picks for an answer nobody gave. A command nothing suggests is none (no rule approves
   * it); a home folder is not a project, so nothing is detected there.
   */
  #guess(spec: AnswerSpec): Guess {
    if (spec.guess === 'default') return { value: DEFAULT_ANSWERS[spec.name], source: 'default' };
    if (this.personal) return { value: '', source: 'default' };
    const found = (this.detected as Partial<Record<keyof Answers, { command: string; reason: string }>>)[spec.name];
    return { value: found?.command ?? '', source: 'detected', reason: found?.reason };
  }

  /** Whether the repository has this file or folder (not read); one it refuses (a link out) counts as absent. */
  #isThere(path: string): boolean {
    try {
      return this.repo.isFile(path) || this.repo.isFolder(path);
    } catch {
      return false;
    }
  }

  /** Through the repository's checked reader, from its root: a package folder inherits its workspace's files. */
  #detect(): Detection {
    const repository = new Repository(this.repo.gitRoot());
    try {
      return detectCommands(repository, relative(repository.realRoot, this.repo.realRoot).split(sep).join('/'));
    } finally {
      repository.close();
    }
  }

  async prompting(): Promise<void> {
    this.resolution = this.#resolve();
    const { answers: known, how } = this.resolution;
    const asked = (spec: AnswerSpec) =>
      spec.question !== undefined &&
      belongsTo(spec, this.personal) &&
      this.given[spec.name] === undefined &&
      (spec.askedWhen?.(known, this.personal) ?? true);
    const missing = ANSWER_SPECS.filter(asked);
    if (this.options.yes || missing.length === 0) return;
    this.requireTerminal(`answers for ${missing.map((spec) => `--${spec.option}`).join(', ')}`);
    // In table order, each question seeing the answers before it (the agents question names the roles chosen).
    for (const spec of ANSWER_SPECS) {
      if (!asked(spec)) continue;
      const { [spec.name]: answer } = await this.ask<Record<string, unknown>>([
        questionFor(spec, known, this.#noteFor(spec)),
      ] as PromptQuestions<Record<string, unknown>>);
      const checked = checkAnswers({ [spec.name]: answer }, () => 'the prompt')[spec.name];
      if (checked !== undefined && !sameJson(checked, known[spec.name])) {
        Object.assign(known, { [spec.name]: checked });
        how[spec.name] = { source: 'typed', saved: false };
      }
    }
  }

  /**
   * What the question shows in brackets: where a detected command came from; for the clients a default, the
   * clients the repository's files suggest, which the question also ticks.
   */
  #noteFor(spec: AnswerSpec): { text?: string; suggested?: Client[] } {
    const { source, reason } = this.resolution.how[spec.name];
    if (spec.kind === 'clients') {
      if (source !== 'default') return {};
      const suggested = clientsSuggestedBy((path) => this.#isThere(path));
      return suggested.signs.length > 0
        ? { text: `found here: ${suggested.signs.join(', ')}`, suggested: suggested.clients }
        : {};
    }
    return reason ? { text: `detected ${reason}` } : {};
  }

  async writing(): Promise<void> {
    this.answers = this.resolution.answers;
    const policy: EditedFilePolicy = this.options.force
      ? 'force'
      : this.options.yes || !this.canPrompt()
        ? 'keep'
        : 'ask';
    let plan = this.#plan(policy);
    if (plan.offers.length > 0) plan = this.#plan(policy, await this.#ask(plan.offers));
    this.#warnIfThePluginIsOnToo(plan);
    this.applyAndReport(plan, this.#next(plan));
  }

  #plan(policy: EditedFilePolicy, decisions?: Record<string, boolean>): Plan {
    const { answers, personal } = this;
    const pack = packFor(answers, packTemplates());
    // The command lines of the summary are about Claude Code's settings: there are none without Claude Code.
    const approves = personal
      ? answers.userSettings
      : answers.pluginSettings !== '' || answers.clients.includes('claude');
    const others = answers.clients.filter((client) => client !== 'claude');
    const notes = personal
      ? []
      : answers.pluginSettings !== ''
        ? others.map((client) => ({
            kind: 'ignored' as const,
            text: `${CLIENT_FACTS[client].label}: the plugin form is Claude Code's; the other clients get the pack with the full install (--plugin-settings "")`,
          }))
        : clientNotes(answers.clients, { test: answers.testCommand, build: answers.buildCommand });
    const common = {
      disk: this.disk,
      record: this.record,
      packMayOwn: shipped().mayOwn,
      answers,
      sources: sourcesOf(this.resolution.how),
      answerLines: answerLines({
        resolution: this.resolution,
        saved: this.saved,
        personal,
        approves,
        recordPath: this.recordPath,
      }).concat(notes),
      files: pack.files,
      version: this.packageVersion,
      policy,
      decisions,
      now: new Date(),
      baseOf: releasedContent,
      merge: mergeWithLabels,
      recordPath: this.recordPath,
    };
    // A personal install writes skills and agents only: permissions belong to each project (see the summary),
    // unless the user asks for them in ~/.claude/settings.json, where they apply in every folder. Asked no
    // longer, the entries the pack put there go (it then contributes nothing).
    if (personal) {
      const settings = answers.userSettings ? pack.settings : this.record?.settings.length ? {} : undefined;
      return planInstall({ ...common, settings, claudeMdSection: undefined }).plan;
    }
    // The plugin brings the skills and agents; the project still needs what a plugin cannot carry: permissions.
    if (answers.pluginSettings !== '') {
      const settings = withoutEmptyAllow(
        pluginProjectSettings(packTemplates().settings, answers, parseMarketplaceSource(answers.pluginSettings)),
      );
      return planInstall({ ...common, files: {}, settings, claudeMdSection: undefined }).plan;
    }
    // Without Claude Code, the entries an earlier install put into its settings go (the pack then contributes none).
    const settings = pack.settings ?? (this.record?.settings.length ? {} : undefined);
    return planInstall({
      ...common,
      settings,
      claudeMdSection: pack.claudeMdSection,
      agentsMdSection: pack.agentsMdSection,
      configs: pack.configs,
    }).plan;
  }

  /** The plugin and the pack's own files load side by side in the client: say so (the settings as they will be). */
  #warnIfThePluginIsOnToo(plan: Plan): void {
    if (this.answers.pluginSettings !== '') return;
    const planned = plan.changes.find((change) => change.kind === 'write' && change.path === SETTINGS_PATH);
    const enabledBy = this.pluginEnabledBy(planned?.kind === 'write' ? planned.content : undefined);
    if (enabledBy)
      this.warn(
        this.personal
          ? bothInstalledWarning(enabledBy, '~/.claude', 'generator-ai-pack uninstall --scope user')
          : bothInstalledWarning(enabledBy, 'this project', 'generator-ai-pack uninstall'),
      );
  }

  /** Yeoman's way: for each file the user changed, take the pack's version, keep theirs, or see the diff first. */
  async #ask(offers: Offer[]): Promise<Record<string, boolean>> {
    const decisions: Record<string, boolean> = {};
    for (const offer of offers) {
      for (;;) {
        const { choice } = await this.ask<{ choice: 'take' | 'keep' | 'diff' }>([
          {
            type: 'expand',
            name: 'choice',
            message: `Overwrite ${offer.path}? (${offer.whose})`,
            default: 'n',
            choices: [
              { key: 'y', name: "Yes: take the pack's version (yours is backed up)", value: 'take' },
              { key: 'n', name: 'No: keep yours', value: 'keep' },
              { key: 'd', name: 'Show the differences', value: 'diff' },
            ],
          },
        ]);
        if (choice !== 'diff') {
          decisions[offer.path] = choice === 'take';
          break;
        }
        this.print(
          createTwoFilesPatch(`${offer.path} (yours)`, `${offer.path} (the pack's)`, offer.current, offer.proposed),
        );
      }
    }
    return decisions;
  }

  #next(plan: Plan): string {
    // The record is a file of the project's like the pack's own: updates and uninstall read it.
    const commit = plan.changes.length > 0 && !this.personal;
    if (this.answers.pluginSettings !== '') {
      const install = `each teammate runs "/plugin install ${PLUGIN_ID}" in Claude Code (the marketplace is declared).`;
      return commit
        ? `Commit ${SETTINGS_PATH} and ${YO_RC} (the install record); then ${install}`
        : capitalized(install);
    }
    if (this.personal && this.answers.userSettings) {
      return "The skills and agents are in ~/.claude for every repository of yours, and the pack's permissions in ~/.claude/settings.json, where they apply in every folder you open.";
    }
    if (this.personal) {
      return 'The skills and agents are in ~/.claude for every repository of yours. No permissions were written to ~/.claude/settings.json (they would apply everywhere; --user-settings asks for them): in a repository whose background agents should run its tests without asking, run the generator there too.';
    }
    // A folder below the one the command was typed in by its relative path; any other by its whole path.
    const where = relative(process.cwd(), this.destinationRoot());
    const outside = where === '..' || where.startsWith(`..${sep}`) || isAbsolute(where);
    const place = where === '' ? 'here' : `in ${outside ? this.destinationRoot() : where}`;
    const client = this.answers.clients.map((name) => CLIENT_FACTS[name].label).join(' or ');
    const skills = this.answers.clients.includes('claude') ? '.claude/skills/' : '.agents/skills/';
    const open = this.answers.skills.includes('orchestrator')
      ? `open ${client} ${place} and ask it to "use the orchestrator skill" for your next multi-part task.`
      : `open ${client} ${place}; it picks up the ${this.answers.skills.join(', ')} skill(s) from ${skills}.`;
    return commit
      ? `Commit ${packFolders(plan).join(', ')} and ${YO_RC} (the install record, which updates and uninstall read), then ${open}`
      : capitalized(open);
  }
}

/** The top folders (and root files) the plan writes in, as the commit advice names them: `.claude/`, `.agents/`, `AGENTS.md`. */
function packFolders(plan: Plan): string[] {
  const tops = plan.changes
    .filter((change) => change.stage === undefined)
    .map((change) => (change.path.includes('/') ? `${change.path.split('/')[0]}/` : change.path));
  return [...new Set(tops)].sort();
}

function capitalized(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** A folder git tracks: the git root found above it has a `.git` (a folder, or a file in a worktree). */
function isGitWorkTree(root: string): boolean {
  try {
    lstatSync(join(root, '.git'));
    return true;
  } catch {
    return false;
  }
}

/** The .gitignore rule (file:line: pattern) that makes git ignore `path`; undefined when none does or git is absent. */
function gitIgnoreRule(root: string, path: string): string | undefined {
  // git reads the .gitignore files itself, with blocking reads: one that is a FIFO would hang it, so it gets 3 s.
  const result = spawnSync('git', ['check-ignore', '--verbose', '--no-index', path], {
    cwd: root,
    encoding: 'utf8',
    timeout: 3_000,
  });
  if (result.status !== 0) return undefined;
  const [source] = result.stdout.split('\t');
  return source?.trim() || undefined;
}

/** A three-way merge of the user's file (ours) with the pack's new version (theirs), labelled for a person. */
function mergeWithLabels(input: { base: string; ours: string; theirs: string }) {
  return mergeThreeWay({
    ...input,
    labels: { ours: 'yours', base: 'the pack version you started from', theirs: "the pack's new version" },
  });
}

function questionFor(spec: AnswerSpec, known: Answers, note: { text?: string; suggested?: Client[] }): object {
  // The note names files of the repository, and a default may come from one: shown escaped, as printed.
  const base = {
    name: spec.name,
    message: printable(note.text ? `${spec.question?.(known)} [${note.text}]` : (spec.question?.(known) ?? '')),
  };
  switch (spec.kind) {
    case 'clients': {
      const ticked = CLIENTS.filter((client) => known.clients.includes(client) || note.suggested?.includes(client));
      return {
        ...base,
        type: 'checkbox',
        choices: CLIENTS.map((client) => ({
          name: CLIENT_FACTS[client].label,
          value: client,
          checked: ticked.includes(client),
        })),
        default: ticked,
        validate: (clients: readonly unknown[]) => clients.length > 0 || 'Pick at least one client.',
      };
    }
    case 'roles':
      return {
        ...base,
        type: 'checkbox',
        choices: ROLES.map((role) => ({ name: role, value: role, checked: known.skills.includes(role) })),
        // Also as the default: an adapter that answers by itself (yeoman-test, a preset) returns it.
        default: known.skills,
        validate: (roles: readonly unknown[]) => roles.length > 0 || 'Pick at least one role.',
      };
    case 'boolean':
      return { ...base, type: 'confirm', default: known[spec.name] };
    default:
      // A bad answer is asked again, with the reason.
      return {
        ...base,
        type: 'input',
        default: typeof known[spec.name] === 'string' ? printable(known[spec.name] as string) : known[spec.name],
        validate: (value: unknown) => promptProblem(spec, value) ?? true,
      };
  }
}
