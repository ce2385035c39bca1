import { packTemplates } from '../io/templates.js';
import { answersShownBy } from '../lib/answer-sources.js';
import { ROLES, SETTINGS_PATH, SPAWNED_ROLES, selectedFiles } from '../lib/catalogue.js';
import { contentHash } from '../lib/eol.js';
import { packVersionOf } from '../lib/frontmatter.js';
import { statusOf } from '../lib/manifest.js';
import { entryNames } from '../lib/plan.js';
import { bothInstalledWarning } from '../lib/plugin-enabled.js';
import { parseSettings } from '../lib/settings.js';
import { settingsProblems, settingsWarnings as settingsWarningsOf } from '../lib/settings-check.js';
import { findEnforcement } from '../lib/settings-migration.js';
import { printable } from '../lib/terminal-text.js';
import { PackGenerator } from '../pack-generator.js';

interface Report {
  installed: string | null;
  /** How the pack got here: by the generator (with an install record), or copied by hand. */
  source: 'generator' | 'hand copy' | null;
  package: string;
  files: { unchanged: string[]; modified: string[]; missing: string[] };
  /** The pack's versions waiting beside files the user edited (`SKILL.md.ai-pack-new`), for the user to look at. */
  pending: string[];
  /** Settings entries the pack ships that the user removed: they stay out. */
  declined: string[];
  enforcement: string[];
  settings: { valid: boolean; problems: string[]; warnings: string[] };
  /** What is wrong beyond the above: a record naming no pack file, the plugin enabled beside the pack's own files. */
  warnings: string[];
  ok: boolean;
}

/**
 * `generator-ai-pack status` / `yo ai-pack:status`: how the installed pack stands. Exit code 0 when all
 * is well; 1 when the pack is not installed, behind the package, missing files, still has enforcement
 * hooks, has its version of a file waiting beside the user's, is also enabled as the plugin, or the
 * settings would be rejected. Files the user edited are theirs: listed, not an error.
 */
export default class StatusGenerator extends PackGenerator<{ json?: boolean }> {
  constructor(args: string[], options: ConstructorParameters<typeof PackGenerator>[1] & { json?: boolean }) {
    super(args, options);
    this.option('json', { type: Boolean, description: 'Print the report as JSON (for scripts and CI)' });
  }

  initializing(): void {
    this.openRepository();
  }

  end(): void {
    const report = this.#report();
    this.done();
    this.print(this.options.json ? JSON.stringify(report, null, 2) : this.#describe(report));
    if (!report.ok) process.exitCode = 1;
  }

  #report(): Report {
    const manifest = this.record;
    const handCopy = manifest ? undefined : this.#handCopyVersion();
    const recorded = manifest?.files ?? (handCopy ? this.#packHashesOfCopiedRoles() : {});
    const onDisk = Object.fromEntries(Object.keys(recorded).map((path) => [path, this.repo.read(path)]));
    const statuses = statusOf({ recorded, onDisk });
    const pathsWith = (status: string) =>
      statuses.filter((entry) => entry.status === status).map((entry) => entry.path);
    const files = { unchanged: pathsWith('unchanged'), modified: pathsWith('modified'), missing: pathsWith('missing') };
    const text = this.repo.read(SETTINGS_PATH);
    const settings = text === undefined ? {} : parseSettings(text, this.repo.shown(SETTINGS_PATH));
    const enforcement = findEnforcement(settings).map((finding) => finding.explanation);
    const problems = settingsProblems(settings);
    const settingsWarnings = settingsWarningsOf(settings);
    const installed = manifest?.version ?? handCopy ?? null;
    const source = manifest ? 'generator' : handCopy ? 'hand copy' : null;
    const pending = this.#pendingNewVersions();
    const warnings = [
      ...this.#recordWithoutFiles(),
      ...this.#pluginToo(files.unchanged.length + files.modified.length),
    ];
    const ok =
      installed === this.packageVersion &&
      files.missing.length === 0 &&
      pending.length === 0 &&
      warnings.length === 0 &&
      enforcement.length === 0 &&
      problems.length === 0;
    const declined = entryNames(manifest?.declined ?? []);
    return {
      installed,
      source,
      package: this.packageVersion,
      files,
      pending,
      declined,
      enforcement,
      settings: { valid: problems.length === 0, problems, warnings: settingsWarnings },
      warnings,
      ok,
    };
  }

  /** `.ai-pack-new` files beside the recorded files (and those named with the recorded version) that are still there. */
  #pendingNewVersions(): string[] {
    const record = this.record;
    if (!record) return [];
    const paths = new Set([...Object.keys(record.files), ...Object.keys(record.newVersions ?? {})]);
    // The version names a file only when it is a version (the record is a file anyone can commit).
    const suffixes = ['.ai-pack-new', ...(/^[\w.+-]+$/.test(record.version) ? [`.ai-pack-new-${record.version}`] : [])];
    return [...paths]
      .sort()
      .flatMap((path) => suffixes.map((suffix) => path + suffix))
      .filter((path) => this.#exists(path));
  }

  #exists(path: string): boolean {
    try {
      return this.repo.read(path) !== undefined;
    } catch {
      return true;
    }
  }

  /** A record that names no pack file (forged, or every path in it refused) installs nothing, unless it is the plugin form. */
  #recordWithoutFiles(): string[] {
    const record = this.record;
    const pluginForm = record?.answers.pluginSettings || (record && answersShownBy(record, false).pluginSettings);
    if (!record || Object.keys(record.files).length > 0 || pluginForm) return [];
    return [
      `${this.recordPath} records an install of the pack but lists none of its files: nothing of the pack is installed here.`,
    ];
  }

  /** The plugin enabled and the pack's files here too: the client would load both. */
  #pluginToo(packFilesHere: number): string[] {
    const enabledBy = packFilesHere > 0 ? this.pluginEnabledBy() : undefined;
    if (!enabledBy) return [];
    return [
      this.personal
        ? bothInstalledWarning(enabledBy, '~/.claude', 'generator-ai-pack uninstall --scope user')
        : bothInstalledWarning(enabledBy, 'this project', 'generator-ai-pack uninstall'),
    ];
  }

  /** A hand copy has no install record, but its skills carry the pack's version stamp. */
  #handCopyVersion(): string | undefined {
    for (const role of ROLES) {
      const path = `.claude/skills/${role}/SKILL.md`;
      const text = this.repo.read(path);
      if (text === undefined) continue;
      try {
        const version = packVersionOf(text, path);
        if (version) return version;
      } catch {
        // A skill of the user's own that our reader cannot parse is simply not the pack's.
      }
    }
    return undefined;
  }

  /** For a hand copy: this package's files for the roles found, to tell unchanged copies from edited ones. */
  #packHashesOfCopiedRoles(): Record<string, string> {
    const skills = ROLES.filter((role) => this.repo.read(`.claude/skills/${role}/SKILL.md`) !== undefined);
    const agents = SPAWNED_ROLES.some((role) => this.repo.read(`.claude/agents/${role}.md`) !== undefined);
    return Object.fromEntries(
      Object.entries(selectedFiles({ skills, agents }, packTemplates().files)).map(([path, content]) => [
        path,
        contentHash(content),
      ]),
    );
  }

  #describe(report: Report): string {
    const { files } = report;
    const lines = [
      `installed    ${report.installed ? `${report.installed} (${report.source})` : `no (no generator-ai-pack entry in ${this.recordPath})`}; package ${report.package}`,
      `files        ${files.unchanged.length} unchanged, ${files.modified.length} modified by you, ${files.missing.length} missing`,
      ...files.modified.map((path) => `  modified   ${path}`),
      ...files.missing.map((path) => `  missing    ${path}`),
      ...report.pending.map((path) => `  pending    ${path} (the pack's version of ${besideWhat(path)})`),
      ...report.declined.map(
        (rule) => `  declined   ${rule} (you removed it from ${SETTINGS_PATH}; updates leave it out)`,
      ),
      `enforcement  ${report.enforcement.length === 0 ? 'none' : `${report.enforcement.length} found`}`,
      ...report.enforcement.map((line) => `  ${line}`),
      `settings     ${report.settings.valid ? 'valid' : 'invalid'} (${SETTINGS_PATH})`,
      ...report.settings.problems.map((problem) => `  ${problem}`),
      ...report.settings.warnings.map((warning) => `  warning: ${warning}`),
      ...report.warnings.map((warning) => `warning: ${warning}`),
    ];
    // Each line may hold names from the repository (the record's version and rules, hook events, file names): one line each.
    return [...lines, ...this.#whatToDo(report)].map((line) => printable(line)).join('\n');
  }

  /** One line per thing to do, or "All is well." */
  #whatToDo(report: Report): string[] {
    if (report.ok) return ['All is well.'];
    const { files, pending } = report;
    const steps: string[] = [];
    if (
      report.installed !== report.package ||
      files.missing.length > 0 ||
      report.enforcement.length > 0 ||
      this.#recordWithoutFiles().length > 0
    ) {
      const rerun = this.personal ? 'generator-ai-pack --yes --scope user' : 'generator-ai-pack --yes';
      steps.push(
        `Run the generator with --yes (\`${rerun}\` or \`yo ai-pack --yes\`) to install, update or migrate the pack.`,
      );
    }
    if (pending.length > 0) {
      steps.push(
        `The pack's new version of ${pending.length} file(s) you edited waits beside it: compare the two ` +
          `(e.g. diff ${besideWhat(pending[0])} ${pending[0]}), take what you want into your file, then delete the ` +
          '.ai-pack-new file; or run the generator without --yes and choose at its question.',
      );
    }
    if (!report.settings.valid) steps.push(`Fix the problems listed above in ${SETTINGS_PATH}.`);
    return steps.length > 0 ? steps : ['Not all is well: see the warning above.'];
  }
}

/** The file a `.ai-pack-new` file sits beside. */
function besideWhat(pending: string): string {
  return pending.replace(/\.ai-pack-new(-[^/]*)?$/, '');
}
