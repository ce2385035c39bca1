import { ROLES, SETTINGS_PATH, SPAWNED_ROLES, selectedFiles } from '../lib/catalogue.js';
import { contentHash } from '../lib/eol.js';
import { packVersionOf } from '../lib/frontmatter.js';
import { statusOf } from '../lib/manifest.js';
import { entryNames } from '../lib/plan.js';
import { findEnforcement, parseSettings } from '../lib/settings.js';
import { settingsProblems, settingsWarnings } from '../lib/settings-check.js';
import { PackGenerator } from '../pack-generator.js';

interface Report {
  installed: string | null;
  /** How the pack got here: by the generator (with an install record), or copied by hand. */
  source: 'generator' | 'hand copy' | null;
  package: string;
  files: { unchanged: string[]; modified: string[]; missing: string[] };
  /** Settings entries the pack ships that the user removed: they stay out. */
  declined: string[];
  enforcement: string[];
  settings: { valid: boolean; problems: string[]; warnings: string[] };
  ok: boolean;
}

/**
 * `generator-ai-pack status` / `yo ai-pack:status`: how the installed pack stands. Exit code 0 when all
 * is well; 1 when the pack is not installed, behind the package, missing files, still has enforcement
 * hooks, or the settings would be rejected. Files the user edited are theirs: listed, not an error.
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
    const warnings = settingsWarnings(settings);
    const installed = manifest?.version ?? handCopy ?? null;
    const source = manifest ? 'generator' : handCopy ? 'hand copy' : null;
    const ok =
      installed === this.packageVersion &&
      files.missing.length === 0 &&
      enforcement.length === 0 &&
      problems.length === 0;
    const declined = entryNames(manifest?.declined ?? []);
    return {
      installed,
      source,
      package: this.packageVersion,
      files,
      declined,
      enforcement,
      settings: { valid: problems.length === 0, problems, warnings },
      ok,
    };
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
      Object.entries(selectedFiles({ skills, agents })).map(([path, content]) => [path, contentHash(content)]),
    );
  }

  #describe(report: Report): string {
    const { files } = report;
    const lines = [
      `installed    ${report.installed ? `${report.installed} (${report.source})` : `no (no generator-ai-pack entry in ${this.recordPath})`}; package ${report.package}`,
      `files        ${files.unchanged.length} unchanged, ${files.modified.length} modified by you, ${files.missing.length} missing`,
      ...files.modified.map((path) => `  modified   ${path}`),
      ...files.missing.map((path) => `  missing    ${path}`),
      ...report.declined.map(
        (rule) => `  declined   ${rule} (you removed it from ${SETTINGS_PATH}; updates leave it out)`,
      ),
      `enforcement  ${report.enforcement.length === 0 ? 'none' : `${report.enforcement.length} found`}`,
      ...report.enforcement.map((line) => `  ${line}`),
      `settings     ${report.settings.valid ? 'valid' : 'invalid'} (${SETTINGS_PATH})`,
      ...report.settings.problems.map((problem) => `  ${problem}`),
      ...report.settings.warnings.map((warning) => `  warning: ${warning}`),
    ];
    const verdict = report.ok
      ? 'All is well.'
      : 'Run the generator with --yes (`generator-ai-pack --yes` or `yo ai-pack --yes`) to install, update or migrate the pack.';
    return `${lines.join('\n')}\n${verdict}`;
  }
}
