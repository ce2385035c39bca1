import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { PromptQuestions } from 'yeoman-generator';
import { ANSWER_SPECS, type AnswerSpec, checkAnswers, checkSavedAnswers, spawnedAmong } from '../lib/answers.js';
import { type Answers, DEFAULT_ANSWERS, ROLES, SETTINGS_PATH } from '../lib/catalogue.js';
import { type Detection, detectCommands } from '../lib/detect.js';
import { packFor } from '../lib/pack.js';
import { type EditedFilePolicy, type Offer, type Plan, planInstall } from '../lib/plan.js';
import { PLUGIN_ID, parseMarketplaceSource, pluginProjectSettings } from '../lib/plugin.js';
import { RECORD_KEY } from '../lib/record-file.js';
import { releasedContent } from '../lib/releases.js';
import { parseSettings } from '../lib/settings.js';
import { mergeThreeWay } from '../lib/three-way.js';
import { PackGenerator } from '../pack-generator.js';

type Options = Partial<Record<keyof Answers, string | boolean>> & { pluginSettings?: string; userSettings?: boolean };

/**
 * `yo ai-pack` / `generator-ai-pack`: installs the pack, or updates it in place. Thin glue: the answers
 * come from lib/answers.ts, the plan from lib/plan.ts; this class asks, plans, applies and prints.
 */
export default class AppGenerator extends PackGenerator<Options> {
  private answers!: Answers;
  private given: Partial<Answers> = {};
  private detected: Detection = {};
  /** Where each command answer came from, for the summary: "--test-command", ".yo-rc.json", "from uv.lock". */
  private commandSources: Partial<Record<CommandName, string>> = {};

  constructor(args: string[], options: ConstructorParameters<typeof PackGenerator<Options>>[1]) {
    super(args, options);
    for (const spec of ANSWER_SPECS)
      this.option(spec.option, { type: spec.kind === 'boolean' ? Boolean : String, description: spec.help });
    this.option('user-settings', {
      type: Boolean,
      description:
        "With --scope user: also merge the pack's permissions into ~/.claude/settings.json (they then apply in every folder you open)",
    });
    this.option('plugin-settings', {
      type: String,
      description:
        'For a team on the ai-pack plugin: write only the settings a project needs (permissions, the marketplace and the enabled plugin), no skill files; give the marketplace source (owner/repo, a git URL or an absolute folder)',
    });
  }

  initializing(): void {
    this.openRepository();
    if (!this.personal) this.#warnWhereItMatters();
    // The user's settings must be mergeable before any question is asked: otherwise nothing is written.
    const settings = this.repo.read(SETTINGS_PATH);
    if (settings !== undefined) parseSettings(settings, this.repo.shown(SETTINGS_PATH));
    this.given = checkAnswers(this.options as Record<string, unknown>, (spec) => `--${spec.option}`);
  }

  /** A pack in a subfolder, or one git will not commit, is easy to miss: say so before writing it. */
  #warnWhereItMatters(): void {
    const root = this.repo.gitRoot();
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
   * Saved answers (an update reuses them), else what the repository's build files say, else the pack's
   * defaults; a command nothing suggests is none (no rule approves it).
   */
  #defaults(): Answers {
    const saved = checkSavedAnswers(this.savedAnswers, this.recordPath, RECORD_KEY);
    this.detected = this.personal ? {} : detectCommands(this.destinationRoot(), this.repo.gitRoot());
    const detected = {
      testCommand: this.detected.testCommand?.command ?? '',
      buildCommand: this.detected.buildCommand?.command ?? '',
    };
    for (const spec of ANSWER_SPECS) {
      if (!isCommand(spec.name)) continue;
      const reason = this.detected[spec.name]?.reason;
      this.commandSources[spec.name] =
        this.given[spec.name] !== undefined
          ? `--${spec.option}`
          : saved[spec.name] !== undefined
            ? `saved in ${this.recordPath}`
            : reason
              ? `detected: ${reason}`
              : 'nothing detected';
    }
    return { ...DEFAULT_ANSWERS, ...detected, ...saved };
  }

  async prompting(): Promise<void> {
    const defaults = this.#defaults();
    const missing = ANSWER_SPECS.filter(
      (spec) => this.given[spec.name] === undefined && !(this.personal && PROJECT_ONLY.includes(spec.name)),
    );
    if (this.options.yes || missing.length === 0) {
      this.answers = { ...defaults, ...this.given };
      return;
    }
    this.requireTerminal(`answers for ${missing.map((spec) => `--${spec.option}`).join(', ')}`);
    const asked: Partial<Answers> = {};
    for (const spec of missing) {
      const known = { ...defaults, ...this.given, ...asked };
      if (spec.name === 'agents' && spawnedAmong(known.skills).length === 0) continue;
      const { [spec.name]: answer } = await this.prompt<Record<string, unknown>>([
        questionFor(spec, known, this.detected),
      ] as PromptQuestions<Record<string, unknown>>);
      Object.assign(
        asked,
        checkAnswers({ [spec.name]: answer }, () => 'the prompt'),
      );
      if (isCommand(spec.name) && answer !== known[spec.name]) this.commandSources[spec.name] = 'typed at the prompt';
    }
    this.answers = { ...defaults, ...this.given, ...asked };
  }

  async writing(): Promise<void> {
    const policy: EditedFilePolicy = this.options.force
      ? 'force'
      : this.options.yes || !this.canPrompt()
        ? 'keep'
        : 'ask';
    let plan = this.#plan(policy);
    if (plan.offers.length > 0) plan = this.#plan(policy, await this.#ask(plan.offers));
    this.applyAndReport(plan, this.#next());
  }

  #plan(policy: EditedFilePolicy, decisions?: Record<string, boolean>): Plan {
    const { answers } = this;
    const pack = packFor(answers);
    const common = {
      disk: this.disk,
      record: this.record,
      answers,
      files: pack.files,
      version: this.packageVersion,
      policy,
      decisions,
      now: new Date(),
      baseOf: releasedContent,
      merge: mergeWithLabels,
    };
    // A personal install writes skills and agents only: permissions belong to each project (see the summary),
    // unless the user asks for them in ~/.claude/settings.json, where they apply in every folder.
    if (this.personal)
      return planInstall({
        ...common,
        settings: this.options.userSettings ? pack.settings : undefined,
        claudeMdSection: undefined,
        recordPath: this.recordPath,
        approvals: [],
      }).plan;
    const approvals = ANSWER_SPECS.filter((spec) => isCommand(spec.name)).map((spec) => ({
      option: `--${spec.option}`,
      label: spec.label,
      command: String(answers[spec.name]),
      source: this.commandSources[spec.name as CommandName] ?? '',
    }));
    const { pluginSettings } = this.options;
    // The plugin brings the skills and agents; the project still needs what a plugin cannot carry: permissions.
    if (pluginSettings !== undefined) {
      const settings = pluginProjectSettings(answers, parseMarketplaceSource(pluginSettings));
      return planInstall({ ...common, files: {}, settings, claudeMdSection: undefined, approvals }).plan;
    }
    return planInstall({ ...common, settings: pack.settings, claudeMdSection: pack.claudeMdSection, approvals }).plan;
  }

  /** Yeoman's way: for each file the user changed, take the pack's version, keep theirs, or see the diff first. */
  async #ask(offers: Offer[]): Promise<Record<string, boolean>> {
    const decisions: Record<string, boolean> = {};
    for (const offer of offers) {
      for (;;) {
        const { choice } = await this.prompt<{ choice: 'take' | 'keep' | 'diff' }>([
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

  #next(): string {
    if (this.options.pluginSettings !== undefined) {
      return `Commit .claude/settings.json; each teammate then runs "/plugin install ${PLUGIN_ID}" in Claude Code (the marketplace is already declared).`;
    }
    if (this.personal && this.options.userSettings) {
      return "The skills and agents are in ~/.claude for every repository of yours, and the pack's permissions in ~/.claude/settings.json, where they apply in every folder you open.";
    }
    if (this.personal) {
      return 'The skills and agents are in ~/.claude for every repository of yours. No permissions were written to ~/.claude/settings.json (they would apply everywhere; --user-settings asks for them): in a repository whose background agents should run its tests without asking, run the generator there too.';
    }
    const where = relative(process.cwd(), this.destinationRoot());
    const place = where === '' ? 'here' : `in ${where}`;
    return this.answers.skills.includes('orchestrator')
      ? `Open Claude Code ${place} and ask it to "use the orchestrator skill" for your next multi-part task.`
      : `Open Claude Code ${place}; it picks up the ${this.answers.skills.join(', ')} skill(s) from .claude/skills/.`;
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

const COMMANDS = ['testCommand', 'buildCommand'] as const;
/** Answers that concern a project's settings and CLAUDE.md: not asked for a personal install. */
const PROJECT_ONLY: readonly (keyof Answers)[] = ['testCommand', 'buildCommand', 'claudeMd'];
type CommandName = (typeof COMMANDS)[number];

function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

function questionFor(spec: AnswerSpec, known: Answers, detected: Detection): object {
  const reason = isCommand(spec.name) ? detected[spec.name]?.reason : undefined;
  const base = {
    name: spec.name,
    message: reason ? `${spec.question(known)} [detected ${reason}]` : spec.question(known),
  };
  switch (spec.kind) {
    case 'roles':
      return {
        ...base,
        type: 'checkbox',
        choices: ROLES.map((role) => ({ name: role, value: role, checked: known.skills.includes(role) })),
        // Also as the default: an adapter that answers by itself (yeoman-test, a preset) returns it.
        default: known.skills,
        validate: (roles: readonly unknown[]) => roles.length > 0 || 'Pick at least one role.',
      };
    case 'command':
      return { ...base, type: 'input', default: known[spec.name] };
    case 'boolean':
      return { ...base, type: 'confirm', default: known[spec.name] };
  }
}
