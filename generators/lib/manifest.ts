import { CONFIG_CLAIMS } from './clients/config-claims.js';
import type { ConfigRecord } from './clients/config-files.js';
import { contentHash } from './eol.js';
import { AiPackError } from './errors.js';
import { type Piece, type SettingsAddition, type SettingsAdditions, splitAdditions } from './settings.js';
import { isJsonObject } from './strict-json.js';

/**
 * The install record (spec-kit style): a SHA-256 per installed file, so an update refreshes only files the
 * user has not edited and an uninstall deletes only those. Stored in `.yo-rc.json` (see record-file.ts).
 */
export interface InstallRecord {
  version: string;
  answers: Record<string, unknown>;
  /** Where each answer came from (see answer-sources.ts, which checks it); absent in records of 0.1.0 and 0.2.0. */
  sources?: unknown;
  /** Repository-relative path → SHA-256 (hex) of the content the pack wrote, line endings normalised. */
  files: Record<string, string>;
  /** What the pack added to `.claude/settings.json`, so uninstall takes out exactly that. */
  settings: SettingsAdditions;
  /** Pack entries the user deleted from settings.json: they stay deleted. */
  declined?: SettingsAdditions;
  /** The pack created `.claude/settings.json`: uninstall may delete it once the pack's entries are out. */
  createdSettings?: boolean;
  /** Folders the pack created: uninstall removes those left empty, never one the user had. */
  createdFolders?: string[];
  /** Path → hash of the pack version written beside it as `.ai-pack-new`. */
  newVersions?: Record<string, string>;
  /** What the pack added to a client's own config file (`opencode.json`), by its path. */
  configs?: Record<string, ConfigRecord>;
  /** Written first by an update, gone once it finishes: what a stopped run was doing (see plan.ts settledRecord). */
  pending?: PendingRecord;
}

export interface PendingRecord {
  /** Hash of the settings.json the run writes; absent when it leaves the file alone. */
  settingsHash?: string;
  settings: SettingsAdditions;
  declined: SettingsAdditions;
  createdSettings: boolean;
  createdFolders: string[];
  /** The same for each client config file the run changes: its hash once written, and the record's entry. */
  configs?: Record<string, PendingConfig>;
}

export interface PendingConfig extends ConfigRecord {
  /** Hash of the file the run writes; absent when it deletes the file. */
  hash?: string;
}

/** What some version of the pack ships: all an install record may claim (io/releases.ts reads it). */
export interface Shipped {
  /** Every path a version of the pack copies into a repository. */
  paths: ReadonlySet<string>;
  /** Whether a settings piece is one some version of the pack writes (settings-claims.ts). */
  mayOwn: (piece: Piece) => boolean;
}

/**
 * The record as stored, checked: a committed `.yo-rc.json` is untrusted input. A broken shape stops the run
 * with a message; a path that is not one the pack ever ships (`.git/HEAD`, `../x`, an absolute path) is left
 * out of the record, reported in `ignored`, and never touched. Likewise a settings entry (added, declined, or in
 * a pending note) that no version of the pack writes (a hook, the user's own deny rule; see settings-claims.ts)
 * is left out and reported in `ignoredSettings`: the record cannot make an update retire it or uninstall take it out.
 */
export function readRecord(
  stored: unknown,
  file: string,
  shipped: Shipped,
): { record: InstallRecord | undefined; ignored: string[]; ignoredSettings: SettingsAdditions } {
  if (stored === undefined) return { record: undefined, ignored: [], ignoredSettings: [] };
  const problem = recordProblem(stored);
  if (problem) {
    throw new AiPackError(
      `${file}: the "generator-ai-pack" entry ${problem}. Restore it from version control, or delete the entry ` +
        'to install afresh (your files are then kept as they are); nothing was written.',
    );
  }
  const record = stored as InstallRecord;
  const claims = new ClaimCheck(shipped);
  // Optional keys stay absent when they were: the record is rewritten only when its content changes.
  const files = claims.packPaths(record.files);
  const newVersions = record.newVersions && claims.packPaths(record.newVersions);
  const createdFolders = record.createdFolders && claims.packFolders(record.createdFolders);
  const settings = claims.settings(record.settings ?? []);
  const declined = record.declined && claims.settings(record.declined);
  const configs = record.configs && claims.configs(record.configs);
  const pending = record.pending && {
    ...record.pending,
    settings: claims.settings(record.pending.settings),
    declined: claims.settings(record.pending.declined),
    createdFolders: record.pending.createdFolders.filter((folder) => claims.isFolderOfPack(folder)),
    ...(record.pending.configs && { configs: claims.configs(record.pending.configs) }),
  };
  const kept = {
    ...record,
    files,
    settings,
    ...(declined && { declined }),
    ...(newVersions && { newVersions }),
    ...(createdFolders && { createdFolders }),
    ...(configs && { configs }),
    ...(pending && { pending }),
  };
  return { record: kept, ignored: [...new Set(claims.ignored)], ignoredSettings: claims.ignoredSettings };
}

/**
 * Keeps what an install record may claim (paths, folders and settings entries some version of the pack writes)
 * and collects what it may not, for the warning that names them.
 */
class ClaimCheck {
  readonly ignored: string[] = [];
  readonly ignoredSettings: SettingsAdditions = [];

  constructor(private readonly shipped: Shipped) {}

  isFolderOfPack(folder: string): boolean {
    return [...this.shipped.paths].some((path) => path.startsWith(`${folder}/`));
  }

  /** The entries at paths the pack ships. */
  packPaths<Value>(entries: Record<string, Value>): Record<string, Value> {
    return this.#keep(entries, (path) => this.shipped.paths.has(path));
  }

  /** The folders that hold a path the pack ships. */
  packFolders(folders: string[]): string[] {
    this.ignored.push(...folders.filter((folder) => !this.isFolderOfPack(folder)));
    return folders.filter((folder) => this.isFolderOfPack(folder));
  }

  /** The settings entries some version of the pack writes (in `.claude/settings.json`, or by `mayOwn`). */
  settings(additions: SettingsAdditions, mayOwn = this.shipped.mayOwn): SettingsAdditions {
    const { owned, other } = splitAdditions(additions, mayOwn);
    this.ignoredSettings.push(...other);
    return owned;
  }

  /** A config entry keeps only what the pack may own in that file; a file the pack never edits is not believed. */
  configs<Entry extends ConfigRecord>(configs: Record<string, Entry>): Record<string, Entry> {
    const known = this.#keep(configs, (path) => Object.hasOwn(CONFIG_CLAIMS, path));
    return Object.fromEntries(
      Object.entries(known).map(([path, entry]) => {
        const mine = (additions: SettingsAdditions) => this.settings(additions, CONFIG_CLAIMS[path]);
        return [
          path,
          { ...entry, settings: mine(entry.settings), ...(entry.declined && { declined: mine(entry.declined) }) },
        ];
      }),
    );
  }

  #keep<Value>(entries: Record<string, Value>, claimable: (path: string) => boolean): Record<string, Value> {
    this.ignored.push(...Object.keys(entries).filter((path) => !claimable(path)));
    return Object.fromEntries(Object.entries(entries).filter(([path]) => claimable(path)));
  }
}

function recordProblem(stored: unknown): string | undefined {
  if (!isJsonObject(stored)) return 'is not an object';
  if (typeof stored.version !== 'string') return 'has no "version" string';
  if (!isJsonObject(stored.answers)) return 'has no "answers" object';
  if (!isJsonObject(stored.files)) return 'has no "files" object';
  const badHash = Object.entries(stored.files).find(([, hash]) => !isHash(hash));
  if (badHash) return `has "files" → "${badHash[0]}" that is not a SHA-256 hash`;
  for (const key of ['settings', 'declined'] as const) {
    const list = stored[key] ?? [];
    if (!Array.isArray(list) || !list.every(isSettingsAddition))
      return `has "${key}" that is not a list of { path, value } or { path, items } entries`;
  }
  if (
    stored.createdFolders !== undefined &&
    !(Array.isArray(stored.createdFolders) && stored.createdFolders.every((folder) => typeof folder === 'string'))
  ) {
    return 'has "createdFolders" that is not a list of folder paths';
  }
  if (
    stored.newVersions !== undefined &&
    !(isJsonObject(stored.newVersions) && Object.values(stored.newVersions).every(isHash))
  ) {
    return 'has "newVersions" that is not a map of paths to SHA-256 hashes';
  }
  if (stored.pending !== undefined && !isPending(stored.pending)) return 'has a "pending" note of the wrong shape';
  if (stored.configs !== undefined && !isConfigs(stored.configs, false))
    return 'has "configs" that is not a map of files to { settings, declined, created } entries';
  return undefined;
}

function isConfigs(configs: unknown, pending: boolean): boolean {
  return (
    isJsonObject(configs) &&
    Object.values(configs).every(
      (entry) =>
        isJsonObject(entry) &&
        [entry.settings, entry.declined ?? []].every((list) => Array.isArray(list) && list.every(isSettingsAddition)) &&
        (entry.created === undefined || typeof entry.created === 'boolean') &&
        (!pending || entry.hash === undefined || isHash(entry.hash)),
    )
  );
}

function isPending(pending: unknown): boolean {
  return (
    isJsonObject(pending) &&
    (pending.settingsHash === undefined || isHash(pending.settingsHash)) &&
    [pending.settings, pending.declined].every((list) => Array.isArray(list) && list.every(isSettingsAddition)) &&
    typeof pending.createdSettings === 'boolean' &&
    Array.isArray(pending.createdFolders) &&
    pending.createdFolders.every((folder) => typeof folder === 'string') &&
    (pending.configs === undefined || isConfigs(pending.configs, true))
  );
}

function isHash(value: unknown): boolean {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function isSettingsAddition(entry: unknown): entry is SettingsAddition {
  return (
    isJsonObject(entry) &&
    typeof entry.path === 'string' &&
    entry.path.startsWith('/') &&
    (Object.hasOwn(entry, 'value') || Array.isArray(entry.items))
  );
}

type FileAction =
  /** Not on disk: write it. */
  | 'create'
  /** On disk with exactly the incoming content: touch nothing, not even the mtime. */
  | 'identical'
  /** Unchanged since install and the pack ships something new: refresh silently. */
  | 'update'
  /** Edited by the user since install: keep theirs, offer the new version. */
  | 'modified'
  /** On disk but never installed by the pack (the user's or an older framework's): treat like modified. */
  | 'foreign'
  /** No longer shipped and unchanged since install: delete. */
  | 'remove'
  /** No longer shipped but edited by the user: keep it, report it. */
  | 'keep-orphan'
  /** No longer shipped and already deleted: drop it from the manifest. */
  | 'gone';

export interface FilePlan {
  path: string;
  action: FileAction;
  /**
   * The hash the new manifest records once the action is carried out as planned (the user's file kept
   * for `modified` and `foreign`); undefined: the path leaves the manifest. A caller that writes the
   * new version after all records `contentHash(incoming[path])` instead.
   */
  record: string | undefined;
}

export interface FileState {
  /** Path → hash, from the manifest of the previous install; undefined on a first install. */
  recorded: Record<string, string> | undefined;
  /** Path → current content, undefined (or no entry) when the file does not exist. */
  onDisk: Record<string, string | undefined>;
}

export function planFiles({
  recorded = {},
  onDisk,
  incoming,
}: FileState & { incoming: Record<string, string> }): FilePlan[] {
  return sortedPaths(recorded, incoming).map((path) => {
    const action = actionFor(recorded[path], onDisk[path], incoming[path]);
    return { path, action, record: recordAfter(action, recorded[path], incoming[path]) };
  });
}

function actionFor(recorded: string | undefined, disk: string | undefined, incoming: string | undefined): FileAction {
  const editedSinceInstall = disk !== undefined && contentHash(disk) !== recorded;
  if (incoming === undefined) {
    if (disk === undefined) return 'gone';
    return editedSinceInstall ? 'keep-orphan' : 'remove';
  }
  if (disk === undefined) return 'create';
  if (contentHash(disk) === contentHash(incoming)) return 'identical';
  if (recorded === undefined) return 'foreign';
  return editedSinceInstall ? 'modified' : 'update';
}

function recordAfter(
  action: FileAction,
  recorded: string | undefined,
  incoming: string | undefined,
): string | undefined {
  switch (action) {
    case 'create':
    case 'identical':
    case 'update':
      return contentHash(incoming!);
    // Still the pack's file, and still edited: keeping the old hash keeps reporting it as modified.
    case 'modified':
      return recorded;
    // The user's file, or no longer the pack's.
    case 'foreign':
    case 'remove':
    case 'keep-orphan':
    case 'gone':
      return undefined;
  }
}

export type FileStatus = 'unchanged' | 'modified' | 'missing';

/** Per recorded file, how it stands against the manifest (for `generator-ai-pack status`). */
export function statusOf({ recorded = {}, onDisk }: FileState): { path: string; status: FileStatus }[] {
  return sortedPaths(recorded).map((path) => {
    const disk = onDisk[path];
    if (disk === undefined) return { path, status: 'missing' };
    return { path, status: contentHash(disk) === recorded[path] ? 'unchanged' : 'modified' };
  });
}

/** The default sort compares UTF-16 code units, not the locale, so the order is the same on every machine. */
function sortedPaths(...maps: Record<string, unknown>[]): string[] {
  return [...new Set(maps.flatMap((map) => Object.keys(map)))].sort();
}
