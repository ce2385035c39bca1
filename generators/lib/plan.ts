import { posix } from 'node:path';
import { type Answers, CLAUDE_MD_PATH, SETTINGS_PATH } from './catalogue.js';
import { removeSection, upsertSection } from './claude-md.js';
import { AGENTS_MD_PATH, needsAgentsMd } from './clients/agents-md.js';
import { CLIENTS } from './clients/clients.js';
import { type ConfigFile, type ConfigPlan, planConfigFile, planConfigRemoval } from './clients/config-files.js';
import { contentHash, detectEol, withEol } from './eol.js';
import { keysOf } from './json-edit.js';
import {
  type FilePlan,
  type InstallRecord,
  type PendingConfig,
  type PendingRecord,
  planFiles,
  statusOf,
} from './manifest.js';
import { recordText, YO_RC } from './record-file.js';
import { type Piece, removeSettingsText, type SettingsUpdate, updateSettingsText } from './settings.js';
import type { JsonObject } from './strict-json.js';

/**
 * The install, update and uninstall as data: from what is on disk, the install record and the answers,
 * a plan lists every write and delete with the summary line that explains it. The generators only apply
 * a plan (io/apply.ts) and print it; `--dry-run` prints it without applying. Pure: the disk is read through
 * `DiskView`, and nothing is written here.
 */

/** Beside a file the user changed, the pack's new version goes under this suffix. */
const NEW_VERSION_SUFFIX = '.ai-pack-new';
/** The settings' deny rules: what keeps secrets from being read. */
const DENY_RULES = '/permissions/deny';
/** Where replaced or migrated files are kept, one folder per run. */
export const BACKUP_ROOT = '.claude/ai-pack-backup';
const BACKUP_IGNORE = `${BACKUP_ROOT}/.gitignore`;

export type SummaryKind =
  | 'added'
  | 'updated'
  | 'merged'
  | 'replaced'
  | 'adopted'
  | 'removed'
  | 'retired'
  | 'migrated'
  | 'moved'
  | 'backed up'
  | 'cleaned'
  | 'kept'
  | 'offered'
  | 'declined'
  | 'ignored'
  | 'approved'
  | 'no rule'
  | 'changed';

export interface SummaryLine {
  kind: SummaryKind;
  text: string;
}

/** `stage`: applied before (`first`) or after (`last`) every other change; the install record uses both. */
export type Change =
  | { kind: 'write'; path: string; content: string; stage?: 'first' | 'last' }
  | { kind: 'delete'; path: string; stage?: 'first' | 'last' };

/** A file the user changed, to be offered at the prompt: take `proposed`, or keep `current`. */
export interface Offer {
  path: string;
  current: string;
  proposed: string;
  /** Why it is offered rather than written: "you edited it", "not written by the pack". */
  whose: string;
}

export interface Plan {
  changes: Change[];
  lines: SummaryLine[];
  /** Files to ask about (only when the policy is `ask` and no decision was given yet). */
  offers: Offer[];
  /** Folders the pack created that this run may leave empty: removed after the changes if they are. */
  emptiedFolders: string[];
}

/** What the planner reads of the repository: file contents and whether a folder exists. */
export interface DiskView {
  read(path: string): string | undefined;
  isFolder(path: string): boolean;
  /** A path as messages name it (`~/.claude/settings.json` in a personal install); the path itself by default. */
  shown?(path: string): string;
  /** Whether two paths are one file (a link to the other); never, by default. */
  sameFile?(a: string, b: string): boolean;
}

function shownIn(disk: DiskView, path: string): string {
  return disk.shown?.(path) ?? path;
}

/** What to do with a file the user changed, when the pack has a new version of it. */
export type EditedFilePolicy =
  /** Back it up, then write the pack's version (`--force`). */
  | 'force'
  /** Keep it; write the pack's version beside it (`--yes`, no terminal). */
  | 'keep'
  /** Offer the pack's version at the prompt; `decisions` holds the answers once given. */
  | 'ask';

type ThreeWayMerge = (input: { base: string; ours: string; theirs: string }) => { clean: boolean; text: string };

export interface InstallInput {
  disk: DiskView;
  record: InstallRecord | undefined;
  answers: Answers;
  /** Where each answer came from (typed, an option, detected, a default), kept in the record for the next update. */
  sources?: Record<string, string>;
  /** The pack's files for these answers (repo-relative path → content). */
  files: Record<string, string>;
  /** The settings the pack contributes for these answers; undefined: settings.json is left alone (a personal install). */
  settings: JsonObject | undefined;
  /** Whether some version of the pack writes this settings entry (io/templates.ts shipped()). */
  packMayOwn: (piece: Piece) => boolean;
  /** Where the install record lives (default `.yo-rc.json`). */
  recordPath?: string;
  /** The body of the CLAUDE.md section, when the answers ask for it. */
  claudeMdSection: string | undefined;
  /** The body of the AGENTS.md section, when a chosen client reads AGENTS.md. */
  agentsMdSection?: string;
  /** The clients' own config files and the entries the pack merges into each (OpenCode's `opencode.json`). */
  configs?: ConfigFile[];
  /** The summary's lines about the answers: commands approved, answers changed (lib/answer-sources.ts). */
  answerLines?: SummaryLine[];
  version: string;
  policy: EditedFilePolicy;
  decisions?: Record<string, boolean>;
  /** Names the backup folder. */
  now: Date;
  /** The content a file had when the pack wrote it (the merge base), by its recorded hash. */
  baseOf?: (path: string, hash: string) => string | undefined;
  merge?: ThreeWayMerge;
}

/** Collects a plan's changes and lines; knows the folders on disk so the record can list those it creates. */
class PlanBuilder {
  readonly plan: Plan = { changes: [], lines: [], offers: [], emptiedFolders: [] };
  readonly createdFolders = new Set<string>();
  #backupFolder: string | undefined;

  constructor(
    readonly disk: DiskView,
    readonly now: Date,
  ) {}

  write(path: string, content: string, kind?: SummaryKind, text?: string): void {
    for (let dir = posix.dirname(path); dir !== '.' && !this.disk.isFolder(dir); dir = posix.dirname(dir)) {
      if (!dir.startsWith(BACKUP_ROOT)) this.createdFolders.add(dir);
    }
    this.plan.changes.push({ kind: 'write', path, content });
    if (kind) this.line(kind, text ?? path);
  }

  delete(path: string, kind?: SummaryKind, text?: string): void {
    this.plan.changes.push({ kind: 'delete', path });
    if (kind) this.line(kind, text ?? path);
  }

  line(kind: SummaryKind, text: string): void {
    this.plan.lines.push({ kind, text });
  }

  /** Copies a file's current content into this run's backup folder; returns the folder. */
  backUp(path: string, content: string): string {
    if (!this.#backupFolder) {
      this.#backupFolder = posix.join(BACKUP_ROOT, this.now.toISOString().replace(/[:.]/g, '-'));
      // Backups are copies for the user, not for the repository: the folder tells git to ignore it, whole.
      if (this.disk.read(BACKUP_IGNORE) === undefined)
        this.write(BACKUP_IGNORE, '*\n', 'added', `${BACKUP_IGNORE} (git ignores the backups in ${BACKUP_ROOT}/)`);
    }
    this.write(posix.join(this.#backupFolder, path), content);
    return this.#backupFolder;
  }
}

export function planInstall(input: InstallInput): { plan: Plan; record: InstallRecord } {
  const { disk } = input;
  const previous = settledRecord(input.record, disk);
  const build = new PlanBuilder(disk, input.now);
  const onDisk = readAll(disk, [...Object.keys(previous?.files ?? {}), ...Object.keys(input.files)]);
  const files: Record<string, string> = {};
  const newVersions: Record<string, string> = {};
  const filePlans = planFiles({ recorded: previous?.files, onDisk, incoming: input.files });
  for (const filePlan of filePlans) {
    const hash = applyFilePlan(build, input, filePlan, onDisk[filePlan.path], newVersions);
    if (hash) files[filePlan.path] = hash;
  }
  const adopted = previous ? 0 : filePlans.filter((filePlan) => filePlan.action === 'identical').length;
  if (adopted > 0)
    build.line(
      'adopted',
      `${adopted} pack file(s) already here, exactly as the pack ships them (a hand copy): now recorded as the pack's`,
    );
  const settings = input.settings
    ? planSettings(build, input.settings, previous, input.packMayOwn)
    : { recorded: [], declined: [], created: false, text: undefined };
  const configs = planConfigs(build, input.configs ?? [], previous);
  for (const line of input.answerLines ?? []) build.line(line.kind, line.text);
  planSections(build, {
    claudeMd: input.claudeMdSection,
    agentsMd: input.agentsMdSection,
    hadClaudeMd: input.record?.answers.claudeMd === true,
    hadAgentsMd: wroteAgentsMd(input.record),
  });
  const createdFolders = [...new Set([...(previous?.createdFolders ?? []), ...build.createdFolders])].sort();
  const record: InstallRecord = {
    version: input.version,
    answers: { ...input.answers },
    ...(input.sources && { sources: input.sources }),
    files,
    settings: settings.recorded,
    ...(settings.declined.length > 0 && { declined: settings.declined }),
    ...(settings.created && { createdSettings: true }),
    ...(createdFolders.length > 0 && { createdFolders }),
    ...(Object.keys(newVersions).length > 0 && { newVersions }),
    ...(Object.keys(configs.recorded).length > 0 && { configs: configs.recorded }),
  };
  const recordPath = input.recordPath ?? YO_RC;
  if (previous && build.plan.changes.length > 0)
    writePendingRecord(build, recordPath, previous, record, settings.text, configs.pending);
  const leaving = [
    ...build.plan.changes.filter((change) => change.kind === 'delete').map((change) => change.path),
    ...Object.keys(previous?.files ?? {}).filter((path) => !(path in files)),
  ];
  build.plan.emptiedFolders = foldersHolding(leaving, createdFolders);
  writeRecord(build, recordPath, record);
  return { plan: build.plan, record };
}

function readAll(disk: DiskView, paths: string[]): Record<string, string | undefined> {
  return Object.fromEntries(paths.map((path) => [path, disk.read(path)]));
}

/** Carries one file's planned action into the plan; returns the hash the new record keeps for it. */
function applyFilePlan(
  build: PlanBuilder,
  input: InstallInput,
  plan: FilePlan,
  current: string | undefined,
  newVersions: Record<string, string>,
): string | undefined {
  const incoming = input.files[plan.path];
  switch (plan.action) {
    case 'create':
      build.write(plan.path, incoming!, 'added');
      break;
    case 'update':
      build.write(plan.path, inLineEndingsOf(current!, incoming!), 'updated');
      removeSettledNewVersion(build, input, plan.path, incoming!);
      break;
    case 'identical':
      removeSettledNewVersion(build, input, plan.path, incoming!);
      break;
    case 'modified':
    case 'foreign':
      return planEditedFile(build, input, plan, current!, newVersions);
    case 'remove':
      build.delete(plan.path, 'removed', `${plan.path} (no longer part of the pack)`);
      break;
    case 'keep-orphan':
      build.line('kept', `${plan.path} (no longer part of the pack, but you edited it)`);
      break;
    case 'gone':
      break;
  }
  return plan.record;
}

/**
 * A file the user changed (or wrote) and the pack has a different version of: a clean three-way merge
 * is written (after a backup); otherwise --force backs up and replaces, the prompt offers, and --yes keeps
 * the user's file with the pack's version beside it.
 */
function planEditedFile(
  build: PlanBuilder,
  input: InstallInput,
  plan: FilePlan,
  current: string,
  newVersions: Record<string, string>,
): string | undefined {
  const incoming = input.files[plan.path]!;
  // The pack's version is the one the user started from: there is nothing new to offer (unless --force).
  if (plan.action === 'modified' && plan.record === contentHash(incoming) && input.policy !== 'force')
    return plan.record;
  const whose = plan.action === 'modified' ? 'you edited it' : 'not written by the pack';
  const base = plan.record && input.baseOf?.(plan.path, plan.record);
  const merged = base !== undefined && input.merge ? input.merge({ base, ours: current, theirs: incoming }) : undefined;
  if (merged?.clean && input.policy !== 'force') {
    const backup = build.backUp(plan.path, current);
    build.write(
      plan.path,
      merged.text,
      'merged',
      `${plan.path} (your edits and the pack's new version; your file as it was is in ${backup})`,
    );
    // Still the user's edit on top of the pack's version: the record keeps the pack's content, so it shows as modified.
    return contentHash(incoming);
  }
  const proposed = merged?.text ?? incoming;
  if (input.policy === 'force') {
    const backup = build.backUp(plan.path, current);
    build.write(
      plan.path,
      inLineEndingsOf(current, incoming),
      'replaced',
      `${plan.path} (${whose}; your version is in ${backup})`,
    );
    return contentHash(incoming);
  }
  if (input.policy === 'ask') {
    const decision = input.decisions?.[plan.path];
    if (decision === undefined) {
      build.plan.offers.push({ path: plan.path, current, proposed, whose });
      return plan.record;
    }
    if (decision) {
      const backup = build.backUp(plan.path, current);
      build.write(
        plan.path,
        proposed,
        'replaced',
        `${plan.path} (${whose}; you took the pack's version at the prompt; yours is in ${backup})`,
      );
      return contentHash(incoming);
    }
    build.line('kept', `${plan.path} (${whose}; you kept it at the prompt)`);
    return plan.record;
  }
  planNewVersionBeside(build, input, plan.path, incoming, whose, newVersions);
  return plan.record;
}

/**
 * `--yes` keeps the user's file and writes the pack's version beside it. Once written, that file is the
 * user's too: an edited one is never overwritten (a newer version goes beside it, named with the version),
 * and one the user deleted is not offered again until the pack has a newer version.
 */
function planNewVersionBeside(
  build: PlanBuilder,
  input: InstallInput,
  path: string,
  incoming: string,
  whose: string,
  newVersions: Record<string, string>,
): void {
  const beside = path + NEW_VERSION_SUFFIX;
  const onDisk = build.disk.read(beside);
  const offeredBefore = input.record?.newVersions?.[path];
  const hash = contentHash(incoming);
  newVersions[path] = hash;
  if (onDisk !== undefined && contentHash(onDisk) === hash) {
    build.line('kept', `${path} (${whose}); the pack's version is beside it as ${beside}`);
  } else if (onDisk === undefined && offeredBefore === hash) {
    build.line('kept', `${path} (${whose}); you set aside the pack's version of it`);
  } else if (onDisk === undefined || contentHash(onDisk) === offeredBefore) {
    build.write(beside, incoming, 'kept', `${path} (${whose}); the pack's version is beside it as ${beside}`);
  } else {
    const versioned = `${beside}-${input.version}`;
    if (build.disk.read(versioned) !== incoming) build.write(versioned, incoming);
    build.line(
      'kept',
      `${path} (${whose}); ${beside} holds your edits, so the pack's version is beside it as ${versioned}`,
    );
  }
}

/** A `.ai-pack-new` file still holding the pack's version is done with once the file itself is the pack's. */
function removeSettledNewVersion(build: PlanBuilder, input: InstallInput, path: string, incoming: string): void {
  removeOwnNewVersion(build, path, () => [contentHash(incoming), input.record?.newVersions?.[path]]);
}

/**
 * Deletes the `.ai-pack-new` beside `path` while it holds one of the pack's versions (by hash): the user's edits
 * stay. The pack's versions are asked for only when there is such a file (some are rendered, which costs).
 */
function removeOwnNewVersion(build: PlanBuilder, path: string, packHashes: () => (string | undefined)[]): void {
  const beside = path + NEW_VERSION_SUFFIX;
  const onDisk = build.disk.read(beside);
  if (onDisk !== undefined && packHashes().includes(contentHash(onDisk))) {
    build.delete(beside, 'removed', `${beside} (the pack's version, no longer needed)`);
  }
}

function planSettings(
  build: PlanBuilder,
  pack: JsonObject,
  previous: InstallRecord | undefined,
  packMayOwn: (piece: Piece) => boolean,
): {
  recorded: InstallRecord['settings'];
  declined: InstallRecord['settings'];
  created: boolean;
  text: string | undefined;
} {
  const text = build.disk.read(SETTINGS_PATH);
  const update = updateSettingsText({
    text,
    file: shownIn(build.disk, SETTINGS_PATH),
    pack,
    recorded: previous?.settings ?? [],
    declined: previous?.declined ?? [],
  });
  planMigration(build, update.migration);
  if (text === undefined) {
    if (update.text !== undefined)
      build.write(SETTINGS_PATH, update.text, 'added', `${SETTINGS_PATH} (permissions for background agents)`);
  } else if (update.text !== text) {
    if (update.migration.findings.length > 0) {
      const backup = build.backUp(SETTINGS_PATH, text);
      build.line('backed up', `${SETTINGS_PATH} to ${backup} (your settings as they were before the migration)`);
    }
    // The pack made the file and now contributes nothing (Claude Code no longer chosen): it goes, as on uninstall.
    const emptied =
      Object.keys(pack).length === 0 && previous?.createdSettings === true && nothingButPack(update.text!, packMayOwn);
    if (emptied) build.delete(SETTINGS_PATH, 'removed', `${SETTINGS_PATH} (nothing but the pack's entries was in it)`);
    else build.write(SETTINGS_PATH, update.text!);
    if (update.retired.length > 0)
      build.line(
        'retired',
        `${SETTINGS_PATH}: took out ${describeEntries(update.retired)} the pack added before and no longer ships`,
      );
    if (update.added.length > 0)
      build.line('merged', `${SETTINGS_PATH}: added ${describeEntries(update.added)}; your entries kept`);
  }
  reportDeclined(build, update);
  const changed = update.text !== text ? update.text : undefined;
  return {
    recorded: update.recorded,
    declined: update.declined,
    created: text === undefined || previous?.createdSettings === true,
    text: changed,
  };
}

/** The enforcement era's hook scripts go to the backup folder; each finding of the migration gets its line. */
function planMigration(build: PlanBuilder, migration: SettingsUpdate['migration']): void {
  for (const script of migration.scripts) {
    const content = build.disk.read(script);
    if (content === undefined) continue;
    const backup = build.backUp(script, content);
    build.delete(script, 'moved', `${script} to ${backup} (enforcement hook, no longer run)`);
  }
  for (const finding of migration.findings) build.line('migrated', `${SETTINGS_PATH}: ${finding.explanation}`);
}

/** Names the pack entries the user removed this time, and on every run the secret-deny rules the record says they did. */
function reportDeclined(build: PlanBuilder, { declined, newlyDeclined }: SettingsUpdate): void {
  if (newlyDeclined.length > 0)
    build.line(
      'declined',
      `${SETTINGS_PATH}: ${describeEntries(newlyDeclined)} (you removed it; updates leave it out)`,
    );
  // A safety rule left out on the record's word alone is named on every run: a forged record cannot drop it silently.
  const declinedSafetyRules = declined.filter((entry) => entry.path === DENY_RULES && !newlyDeclined.includes(entry));
  if (declinedSafetyRules.length > 0)
    build.line(
      'declined',
      `${SETTINGS_PATH}: ${describeEntries(declinedSafetyRules)} (deny rules that keep secrets from being read; the install record says you removed them, so updates leave them out: put them back in ${SETTINGS_PATH} to have them again)`,
    );
}

/**
 * Settings entries as the summary and `status` name them, in plain words: each rule by name
 * (`Bash(pytest *)`), also inside a whole block the pack added (`permissions`), and any other key by its
 * names (`enabledPlugins "ai-pack@generator-ai-pack"`), never as a JSON pointer.
 */
export function entryNames(entries: InstallRecord['settings']): string[] {
  return entries.flatMap((entry) => {
    const rules = 'items' in entry ? entry.items : listedIn(entry.value);
    if (rules.length > 0) return rules.map((rule) => (typeof rule === 'string' ? rule : JSON.stringify(rule)));
    const [key, ...below] = keysOf(entry.path);
    return [[key, ...below.map((part) => JSON.stringify(part))].join(' ')];
  });
}

/** Every entry of the lists in a value (a `permissions` block's rules); none for a value without lists. */
function listedIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value !== null && typeof value === 'object' ? Object.values(value).flatMap(listedIn) : [];
}

function describeEntries(entries: InstallRecord['settings']): string {
  return entryNames(entries).join(', ');
}

/**
 * Each client config file the pack merges into, and each one an earlier install merged into that these
 * answers no longer want (its entries retire). Returns what the record keeps, and for the pending note what
 * each changed file will hold.
 */
function planConfigs(
  build: PlanBuilder,
  files: ConfigFile[],
  previous: InstallRecord | undefined,
): { recorded: Record<string, NonNullable<InstallRecord['configs']>[string]>; pending: Record<string, PendingConfig> } {
  const recorded: Record<string, NonNullable<InstallRecord['configs']>[string]> = {};
  const pending: Record<string, PendingConfig> = {};
  const wanted = new Map(files.map((file) => [file.path, file]));
  for (const path of Object.keys(previous?.configs ?? {}))
    if (!wanted.has(path)) wanted.set(path, { path, entries: {} });
  for (const file of wanted.values()) {
    const config = planConfigFile(file, build.disk.read(file.path), previous?.configs?.[file.path], (path) =>
      isThere(build.disk, path),
    );
    carryOut(build, file.path, config);
    if (config.record) recorded[file.path] = config.record;
    if (config.text !== undefined || config.remove)
      pending[file.path] = {
        ...(config.record ?? { settings: [] }),
        ...(config.text !== undefined && { hash: contentHash(config.text) }),
      };
  }
  return { recorded, pending };
}

function isThere(disk: DiskView, path: string): boolean {
  return disk.isFolder(path) || disk.read(path) !== undefined;
}

/** A config file's planned change into the plan: its write or deletion, and its summary lines. */
function carryOut(build: PlanBuilder, path: string, config: ConfigPlan): void {
  if (config.remove) build.delete(path);
  else if (config.text !== undefined) build.write(path, config.text);
  for (const line of config.lines) build.line(line.kind, line.text);
}

/** An earlier install chose a client that reads AGENTS.md, so the pack's section there is its own. */
function wroteAgentsMd(record: InstallRecord | undefined): boolean {
  const clients = record?.answers.clients;
  return Array.isArray(clients) && needsAgentsMd(CLIENTS.filter((client) => clients.includes(client)));
}

/**
 * The CLAUDE.md and AGENTS.md sections. Where one file is both (`CLAUDE.md -> AGENTS.md`), it holds one section,
 * the CLAUDE.md one if that is asked for: two sections between the same markers would replace each other.
 */
function planSections(
  build: PlanBuilder,
  wanted: { claudeMd?: string; agentsMd?: string; hadClaudeMd: boolean; hadAgentsMd: boolean },
): void {
  if (build.disk.sameFile?.(CLAUDE_MD_PATH, AGENTS_MD_PATH)) {
    const body = wanted.claudeMd ?? wanted.agentsMd;
    planSection(build, CLAUDE_MD_PATH, body, wanted.hadClaudeMd || wanted.hadAgentsMd);
    return;
  }
  planSection(build, CLAUDE_MD_PATH, wanted.claudeMd, wanted.hadClaudeMd);
  planSection(build, AGENTS_MD_PATH, wanted.agentsMd, wanted.hadAgentsMd);
}

/**
 * The pack's marked section of `path` (CLAUDE.md, AGENTS.md): written when there is a `body`, else taken out when
 * `takeOut` (an earlier install wrote it). The file is read only then.
 */
function planSection(build: PlanBuilder, path: string, body: string | undefined, takeOut: boolean): void {
  if (body === undefined && !takeOut) return;
  const existing = build.disk.read(path);
  if (body !== undefined) {
    const next = upsertSection(existing, body, path);
    if (next !== existing)
      build.write(
        path,
        next,
        existing === undefined ? 'added' : 'updated',
        `${path} (the marked ai-pack section only)`,
      );
  } else if (existing !== undefined) {
    planSectionRemoval(build, existing, path);
  }
}

/** `path` (CLAUDE.md, AGENTS.md) without the pack's marked section; deleted when nothing else was in it. */
function planSectionRemoval(build: PlanBuilder, existing: string, path: string): void {
  const rest = removeSection(existing, path);
  if (rest === existing) return;
  if (rest === '') build.delete(path, 'removed');
  else build.write(path, rest, 'cleaned', `${path} (the marked ai-pack section only)`);
}

/** The install record goes last, so a run stopped half-way is recognised by the next one. */
function writeRecord(build: PlanBuilder, path: string, record: InstallRecord | undefined): void {
  const current = build.disk.read(path);
  const next = recordText(current, record, path);
  if (next === current) return;
  build.plan.changes.push(
    next === undefined
      ? { kind: 'delete', path, stage: 'last' }
      : { kind: 'write', path, content: next, stage: 'last' },
  );
}

/**
 * Before an update touches anything, the old record gains a note of what the run will do to settings.json
 * and which folders it creates: what a file's content cannot tell the next run if this one is stopped
 * between writing settings.json and the final record (whose rules are the pack's, which folders are ours).
 */
function writePendingRecord(
  build: PlanBuilder,
  path: string,
  previous: InstallRecord,
  next: InstallRecord,
  settingsText: string | undefined,
  configs: Record<string, PendingConfig>,
): void {
  const pending: PendingRecord = {
    ...(settingsText !== undefined && { settingsHash: contentHash(settingsText) }),
    settings: next.settings,
    declined: next.declined ?? [],
    createdSettings: next.createdSettings === true,
    createdFolders: next.createdFolders ?? [],
    ...(Object.keys(configs).length > 0 && { configs }),
  };
  const text = recordText(build.disk.read(path), { ...previous, pending }, path);
  if (text !== undefined) build.plan.changes.push({ kind: 'write', path, content: text, stage: 'first' });
}

/**
 * The record as it stands after a run that may have been stopped: its pending note applies when
 * settings.json holds what that run meant to write (or the run did not change it); its folders are ours either way.
 * @internal (exported for its tests too)
 */
export function settledRecord(record: InstallRecord | undefined, disk: DiskView): InstallRecord | undefined {
  if (!record?.pending) return record;
  const { pending, configs: _recorded, ...settled } = record;
  const createdFolders = [...new Set([...(record.createdFolders ?? []), ...pending.createdFolders])].sort();
  const current = disk.read(SETTINGS_PATH);
  const applied =
    pending.settingsHash === undefined || (current !== undefined && contentHash(current) === pending.settingsHash);
  const configs = settledConfigs(record.configs, pending.configs, disk);
  if (!applied) return { ...settled, createdFolders, ...configs };
  return {
    ...settled,
    settings: pending.settings,
    declined: pending.declined,
    createdSettings: pending.createdSettings,
    createdFolders,
    ...configs,
  };
}

/** The config entries after a stopped run: each file the run wrote (its hash matches) or deleted takes the pending entry. */
function settledConfigs(
  recorded: InstallRecord['configs'],
  pending: PendingRecord['configs'],
  disk: DiskView,
): Pick<InstallRecord, 'configs'> {
  if (!pending) return recorded ? { configs: recorded } : {};
  const configs = { ...recorded };
  for (const [path, { hash, ...entry }] of Object.entries(pending)) {
    const current = disk.read(path);
    const written = hash === undefined ? current === undefined : current !== undefined && contentHash(current) === hash;
    if (!written) continue;
    if (entry.settings.length > 0 || (entry.declined?.length ?? 0) > 0) configs[path] = entry;
    else delete configs[path];
  }
  return Object.keys(configs).length > 0 ? { configs } : {};
}

/** The pack's folders that hold a path leaving the pack (deleted now, or by a run stopped earlier): once empty, they go too. Deepest first. */
function foldersHolding(leaving: string[], createdFolders: string[]): string[] {
  return createdFolders
    .filter((folder) => leaving.some((path) => path.startsWith(`${folder}/`)))
    .sort((a, b) => b.length - a.length);
}

/** The pack's text with the line endings of the file it replaces, so a CRLF checkout stays CRLF. */
function inLineEndingsOf(current: string, text: string): string {
  return withEol(text, detectEol(current));
}

// ---------------------------------------------------------------------------------------------
// A folder of generated files (the plugin marketplace)

/** Writes each file whose content differs; a folder already as generated gets no change at all. */
export function planCopy(disk: DiskView, files: Record<string, string>): Plan {
  const build = new PlanBuilder(disk, new Date(0));
  for (const [path, content] of Object.entries(files)) {
    const current = disk.read(path);
    if (current !== content) build.write(path, content, current === undefined ? 'added' : 'updated');
  }
  return build.plan;
}

// ---------------------------------------------------------------------------------------------
// Uninstall

export interface UninstallInput {
  disk: DiskView;
  record: InstallRecord;
  /** Where the install record lives (default `.yo-rc.json`). */
  recordPath?: string;
  /** Every `.ai-pack-new` content the pack may have written, by the path it sits beside. */
  packVersionsBeside: (path: string) => string[];
  /** Whether a settings piece is one some version of the pack writes (lib/settings-claims.ts). */
  packMayOwn: (piece: Piece) => boolean;
}

/**
 * settings.json without the pack's entries holds nothing of the user's: an empty object, the pack's own `$schema`
 * aside (compared as JSON, not as text). Only then may a file the pack created go, whatever the record claims.
 */
function nothingButPack(settingsText: string, packMayOwn: (piece: Piece) => boolean): boolean {
  const { $schema, ...rest } = JSON.parse(settingsText) as JsonObject;
  const schemaOfPack = $schema === undefined || packMayOwn({ kind: 'value', keys: ['$schema'], value: $schema });
  return schemaOfPack && Object.keys(rest).length === 0;
}

/** Takes out what the pack wrote and the user has not changed; lists, and keeps, what the user edited. */
export function planUninstall({
  disk,
  record,
  recordPath = YO_RC,
  packVersionsBeside,
  packMayOwn,
}: UninstallInput): Plan {
  const build = new PlanBuilder(disk, new Date(0));
  const onDisk = readAll(disk, Object.keys(record.files));
  for (const { path, status } of statusOf({ recorded: record.files, onDisk })) {
    if (status === 'unchanged') build.delete(path, 'removed');
    if (status === 'modified') build.line('kept', `${path} (you edited it)`);
  }
  // The pack's versions it put beside files it kept, the user's or its own: gone while they hold what it wrote.
  for (const path of new Set([...Object.keys(record.files), ...Object.keys(record.newVersions ?? {})])) {
    removeOwnNewVersion(build, path, () => [record.newVersions?.[path], ...packVersionsBeside(path).map(contentHash)]);
  }
  const settingsText = disk.read(SETTINGS_PATH);
  if (settingsText !== undefined) {
    const remaining = removeSettingsText(settingsText, record.settings, shownIn(disk, SETTINGS_PATH), record.declined);
    if (record.createdSettings && nothingButPack(remaining.text, packMayOwn)) build.delete(SETTINGS_PATH, 'removed');
    else if (remaining.text !== settingsText)
      build.write(SETTINGS_PATH, remaining.text, 'cleaned', `${SETTINGS_PATH} (the pack's entries only; yours kept)`);
  }
  for (const [path, entry] of Object.entries(record.configs ?? {})) {
    const text = disk.read(path);
    if (text !== undefined) carryOut(build, path, planConfigRemoval(path, text, entry));
  }
  // AGENTS.md only where the install wrote there, and once where it is CLAUDE.md too.
  const sectionFiles =
    wroteAgentsMd(record) && !disk.sameFile?.(CLAUDE_MD_PATH, AGENTS_MD_PATH)
      ? [CLAUDE_MD_PATH, AGENTS_MD_PATH]
      : [CLAUDE_MD_PATH];
  for (const path of sectionFiles) {
    const text = disk.read(path);
    if (text !== undefined) planSectionRemoval(build, text, path);
  }
  writeRecord(build, recordPath, undefined);
  build.plan.emptiedFolders = [...(record.createdFolders ?? [])].sort((a, b) => b.length - a.length);
  return build.plan;
}
