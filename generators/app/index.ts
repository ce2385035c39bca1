import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ejs from 'ejs';
import type Generator from 'yeoman-generator';
import type { PromptQuestions } from 'yeoman-generator';
import {
  CLAUDE_MD_PATH,
  DEFAULT_ANSWERS,
  ROLES,
  SETTINGS_PATH,
  SPAWNED_ROLES,
  checkCommand,
  parseRoles,
  readPackFile,
  selectedFiles,
  type Answers,
  type Role,
} from '../lib/catalogue.js';
import { upsertSection } from '../lib/claude-md.js';
import { hashContent, planFiles, type FilePlan, type InstallManifest } from '../lib/manifest.js';
import { packSettings } from '../lib/pack-settings.js';
import { templatesRoot } from '../lib/paths.js';
import { detectCommands } from '../lib/project.js';
import { parseSettings, updateSettingsText } from '../lib/settings.js';
import { NEW_VERSION_SUFFIX, PackGenerator } from '../pack-generator.js';

type Options = {
  yes?: boolean;
  skills?: string;
  testCommand?: string;
  buildCommand?: string;
  agents?: boolean;
  claudeMd?: boolean;
};

/**
 * `yo ai-pack` / `generator-ai-pack`: installs the pack, or updates it in place. Thin glue: every
 * decision (which files, what to do with each, how settings merge) is made by the modules in ../lib.
 */
export default class AppGenerator extends PackGenerator<Options> {
  private answers!: Answers;
  private answersFromOptions: Partial<Answers> = {};

  constructor(args: string[], options: Generator['options'] & Options) {
    super(args, options);
    this.option('yes', { type: Boolean, alias: 'y', description: 'Accept the defaults (or the answers saved by the last run) and never prompt' });
    this.option('skills', { type: String, description: `Roles to install, comma-separated: ${ROLES.join(',')} (default: all)` });
    this.option('test-command', { type: String, description: 'Test command background agents may run without asking (default: detected, e.g. "npm test"; "" for none)' });
    this.option('build-command', { type: String, description: 'Build command background agents may run without asking (default: detected, e.g. "npm run build"; "" for none)' });
    this.option('agents', { type: Boolean, description: 'Add .claude/agents/<role>.md for the roles the orchestrator spawns (default: yes; --no-agents to skip)' });
    this.option('claude-md', { type: Boolean, description: 'Add a short marked section to CLAUDE.md pointing at the pack (default: no)' });
  }

  initializing(): void {
    this.checkTargetWritable();
    // Fail before any prompt when the user's settings cannot be merged: nothing is written then.
    this.#readUserSettings();
    this.answersFromOptions = this.#optionAnswers();
  }

  #optionAnswers(): Partial<Answers> {
    const { skills, testCommand, buildCommand, agents, claudeMd } = this.options;
    const given = Object.entries({ skills, testCommand, buildCommand, agents, claudeMd }).filter(([, value]) => value !== undefined);
    return checkedAnswers(Object.fromEntries(given));
  }

  /** Saved answers (an update reuses them), else what the repository suggests, else the pack defaults. */
  #defaultAnswers(): Answers {
    // Saved answers name folders to read and commands to allow: checked like options, since .yo-rc.json can be edited by hand.
    const saved = checkedAnswers(this.manifest()?.answers ?? {}, `.yo-rc.json (${this.rootGeneratorName()}.answers.skills)`);
    return { ...DEFAULT_ANSWERS, ...detectCommands(this.destinationRoot()), ...saved };
  }

  async prompting(): Promise<void> {
    const defaults = this.#defaultAnswers();
    const given = this.answersFromOptions;
    const missing = (Object.keys(DEFAULT_ANSWERS) as (keyof Answers)[]).filter((key) => given[key] === undefined);
    if (this.options.yes || missing.length === 0) {
      this.answers = { ...defaults, ...given };
      return;
    }
    this.requireTerminal(`answers for ${missing.map((key) => `--${kebab(key)}`).join(', ')}`);
    const asked = await this.prompt<Answers>(
      [
        {
          type: 'checkbox',
          name: 'skills',
          message: 'Which role skills should the pack install?',
          choices: ROLES.map((role) => ({ name: role, value: role, checked: defaults.skills.includes(role) })),
          // Also as the default: an adapter that answers by itself (yeoman-test, a preset) returns it.
          default: defaults.skills,
          validate: (roles: readonly unknown[]) => roles.length > 0 || 'Pick at least one role.',
        },
        { type: 'input', name: 'testCommand', message: 'Test command background agents may run without asking (empty for none):', default: defaults.testCommand },
        { type: 'input', name: 'buildCommand', message: 'Build command background agents may run without asking (empty for none):', default: defaults.buildCommand },
        { type: 'confirm', name: 'agents', message: 'Add agents in .claude/agents/ so the orchestrator can spawn engineer, tester and reviewer by name?', default: defaults.agents },
        { type: 'confirm', name: 'claudeMd', message: 'Add a short section to CLAUDE.md that points Claude at the pack?', default: defaults.claudeMd },
      ].filter((question) => missing.includes(question.name as keyof Answers)) as PromptQuestions<Answers>,
    );
    this.answers = { ...defaults, ...given, ...checkedAnswers(asked) };
  }

  writing(): void {
    const previous = this.manifest();
    const incoming = selectedFiles(this.answers);
    const plans = planFiles({ recorded: previous?.files, onDisk: this.readDisk(previous?.files, incoming), incoming });
    const files: Record<string, string> = {};
    for (const plan of plans) {
      const recorded = this.#applyFilePlan(plan, incoming[plan.path]);
      if (recorded) files[plan.path] = recorded;
    }
    const createdSettings = !this.existsDestination(SETTINGS_PATH) || previous?.createdSettings === true;
    const settings = this.#writeSettings(previous?.settings ?? []);
    if (this.answers.claudeMd) this.#writeClaudeMdSection();
    else if (previous?.answers.claudeMd) this.removeClaudeMdSection();
    this.saveManifest({ version: this.packageVersion, answers: { ...this.answers }, files, settings, ...(createdSettings && { createdSettings }) });
    this.checkPendingWritable();
  }

  /** Carries out one planned action; returns the hash the manifest records for the path, if any. */
  #applyFilePlan(plan: FilePlan, content: string | undefined): string | undefined {
    switch (plan.action) {
      case 'create':
        this.writeQuietly(plan.path, content!);
        this.report('added', plan.path);
        break;
      case 'update':
        this.writeQuietly(plan.path, content!);
        this.report('updated', plan.path);
        this.removeLeftoverNewVersion(plan.path, content!);
        break;
      case 'identical':
        // The user took the pack's version (say, from the .ai-pack-new file): the copy beside it is done with.
        this.removeLeftoverNewVersion(plan.path, content!);
        break;
      case 'modified':
      case 'foreign':
        return this.#offerNewVersion(plan, content!);
      case 'remove':
        this.deleteQuietly(plan.path);
        this.report('removed', `${plan.path} (no longer part of the pack)`);
        break;
      case 'keep-orphan':
        this.report('kept', `${plan.path} (no longer part of the pack, but you edited it)`);
        break;
      case 'gone':
        break;
    }
    return plan.record;
  }

  /**
   * The user changed this file (or wrote it): with --force it is backed up then replaced; with --yes it is
   * kept and the new version is written beside it; otherwise Yeoman's conflict prompt offers it, with a diff.
   */
  #offerNewVersion(plan: FilePlan, content: string): string | undefined {
    const whose = plan.action === 'modified' ? 'you edited it' : 'not written by the pack';
    if (this.options.force) {
      const backup = this.backUp(plan.path);
      this.writeQuietly(plan.path, content);
      this.report('replaced', `${plan.path} (${whose}; your version is in ${backup})`);
      return hashContent(content);
    }
    if (this.options.yes || !this.canPrompt()) {
      // Already there from an earlier run: leave it (and its mtime) alone.
      if (this.readIfExists(plan.path + NEW_VERSION_SUFFIX) !== content) this.writeQuietly(plan.path + NEW_VERSION_SUFFIX, content);
      this.report('kept', `${plan.path} (${whose}); the pack's version is beside it as ${plan.path}${NEW_VERSION_SUFFIX}`);
      return plan.record;
    }
    // The conflicter asks at commit time and may keep the user's file: the next run sees that and offers it again.
    this.writeDestination(plan.path, content);
    this.report('offered', `${plan.path} (${whose}): the new version was offered at the prompt above`);
    return hashContent(content);
  }

  #readUserSettings(): Record<string, unknown> | undefined {
    const text = this.readIfExists(SETTINGS_PATH);
    return text === undefined ? undefined : parseSettings(text, SETTINGS_PATH);
  }

  /** Merges the pack's settings into the user's, removing the enforcement-era hooks; returns all the pack has added. */
  #writeSettings(previouslyAdded: InstallManifest['settings']): InstallManifest['settings'] {
    const template = parseSettings(readPackFile(SETTINGS_PATH), join(templatesRoot, 'pack', SETTINGS_PATH));
    const pack = packSettings(template, this.answers);
    const current = this.readIfExists(SETTINGS_PATH);
    // The install record does not keep the user's deletions yet (issue 8): the planner will pass and store them.
    const update = updateSettingsText({ text: current, file: SETTINGS_PATH, pack, recorded: previouslyAdded, declined: [] });
    if (current === undefined) {
      if (update.text !== undefined) {
        this.writeQuietly(SETTINGS_PATH, update.text);
        this.report('added', `${SETTINGS_PATH} (permissions for background agents)`);
      }
      return update.recorded;
    }
    const { findings, scripts } = update.migration;
    this.#moveEnforcementScripts(scripts);
    for (const finding of findings) this.report('migrated', `${SETTINGS_PATH}: ${finding.explanation}`);
    if (update.text !== current) {
      if (findings.length > 0) {
        const backup = this.backUp(SETTINGS_PATH);
        this.report('backed up', `${SETTINGS_PATH} to ${backup} (your settings as they were before the migration)`);
      }
      this.writeQuietly(SETTINGS_PATH, update.text!);
      if (update.retired.length > 0) this.report('retired', `${SETTINGS_PATH}: took out entries the pack added before and no longer ships (e.g. rules for a command you changed)`);
      if (update.added.length > 0) this.report('merged', `${SETTINGS_PATH} (added what background agents need; your entries kept)`);
    }
    return update.recorded;
  }

  /** The old framework's hook scripts go into the backup folder, not away. */
  #moveEnforcementScripts(scripts: string[]): void {
    for (const script of scripts) {
      if (!this.existsDestination(script)) continue;
      const backup = this.backUp(script);
      this.deleteQuietly(script);
      this.report('moved', `${script} to ${backup} (enforcement hook, no longer run)`);
    }
  }

  #writeClaudeMdSection(): void {
    const template = readFileSync(join(templatesRoot, 'claude-md-section.md.ejs'), 'utf8');
    const roles = this.answers.skills;
    const agents = this.answers.agents ? roles.filter((role: Role) => SPAWNED_ROLES.includes(role)) : [];
    const body = ejs.render(template, { roles, agents });
    const existing = this.readIfExists(CLAUDE_MD_PATH);
    const next = upsertSection(existing, body);
    if (next === existing) return;
    this.writeQuietly(CLAUDE_MD_PATH, next);
    this.report(existing === undefined ? 'added' : 'updated', `${CLAUDE_MD_PATH} (the marked ai-pack section only)`);
  }

  end(): void {
    const next = this.answers.skills.includes('orchestrator')
      ? `Open Claude Code ${this.#where()} and ask it to "use the orchestrator skill" for your next multi-part task.`
      : `Open Claude Code ${this.#where()}; it picks up the ${this.answers.skills.join(', ')} skill(s) from .claude/skills/.`;
    this.printSummary(next);
  }

  /** "here", or the folder given on the command line, as the user would `cd` to it. */
  #where(): string {
    const folder = relative(process.cwd(), this.destinationRoot());
    return folder === '' ? 'here' : `in ${folder}`;
  }
}

/** Answers from options, prompts or .yo-rc.json, with roles and commands checked the same way wherever they came from. */
function checkedAnswers(raw: Partial<Answers>, skillsSource = '--skills'): Partial<Answers> {
  return {
    ...raw,
    ...(raw.skills !== undefined && { skills: parseRoles(raw.skills, skillsSource) }),
    ...(raw.testCommand !== undefined && { testCommand: checkCommand('test-command', raw.testCommand) }),
    ...(raw.buildCommand !== undefined && { buildCommand: checkCommand('build-command', raw.buildCommand) }),
  };
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
