import { createHash } from 'node:crypto';
import { AiPackError } from './errors.js';
import type { SettingsAddition, SettingsAdditions } from './settings.js';
import { isJsonObject } from './strict-json.js';

/**
 * The install manifest (spec-kit style): a SHA-256 per installed file, so an update refreshes only
 * files the user has not edited and an uninstall deletes only those. Stored in `.yo-rc.json`.
 */
export interface InstallManifest {
  version: string;
  answers: Record<string, unknown>;
  /** Repository-relative path → SHA-256 (hex) of the content the pack wrote. */
  files: Record<string, string>;
  settings: SettingsAdditions;
  /** The pack created `.claude/settings.json`: uninstall may delete it once the pack's entries are out. */
  createdSettings?: boolean;
}

/**
 * The manifest as stored (under the `generator-ai-pack` key of `.yo-rc.json`), checked: a person may
 * have edited that file, and a broken manifest must stop the run with a message, not a stack trace.
 * undefined: nothing was installed yet.
 */
export function readManifest(stored: unknown, file: string): InstallManifest | undefined {
  if (stored === undefined) return undefined;
  const problem = manifestProblem(stored);
  if (problem) {
    throw new AiPackError(
      `${file}: the "generator-ai-pack" entry ${problem}. Restore it from version control, or delete the entry ` +
        'to install afresh (your files are then kept as they are); no file was changed.',
    );
  }
  return stored as InstallManifest;
}

function manifestProblem(stored: unknown): string | undefined {
  if (!isJsonObject(stored)) return 'is not an object';
  if (typeof stored.version !== 'string') return 'has no "version" string';
  if (!isJsonObject(stored.answers)) return 'has no "answers" object';
  if (!isJsonObject(stored.files)) return 'has no "files" object';
  const badHash = Object.entries(stored.files).find(([, hash]) => typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash));
  if (badHash) return `has "files" → "${badHash[0]}" that is not a SHA-256 hash`;
  if (!Array.isArray(stored.settings) || !stored.settings.every(isSettingsAddition)) {
    return 'has "settings" that is not a list of { path, value } or { path, items } entries';
  }
  return undefined;
}

function isSettingsAddition(entry: unknown): entry is SettingsAddition {
  return (
    isJsonObject(entry) &&
    typeof entry.path === 'string' &&
    entry.path.startsWith('/') &&
    (Object.hasOwn(entry, 'value') || Array.isArray(entry.items))
  );
}

export function hashContent(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export type FileAction =
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
   * new version after all records `hashContent(incoming[path])` instead.
   */
  record: string | undefined;
}

export interface FileState {
  /** Path → hash, from the manifest of the previous install; undefined on a first install. */
  recorded: Record<string, string> | undefined;
  /** Path → current content, undefined (or no entry) when the file does not exist. */
  onDisk: Record<string, string | undefined>;
}

export function planFiles({ recorded = {}, onDisk, incoming }: FileState & { incoming: Record<string, string> }): FilePlan[] {
  return sortedPaths(recorded, incoming).map((path) => {
    const action = actionFor(recorded[path], onDisk[path], incoming[path]);
    return { path, action, record: recordAfter(action, recorded[path], incoming[path]) };
  });
}

function actionFor(recorded: string | undefined, disk: string | undefined, incoming: string | undefined): FileAction {
  const editedSinceInstall = disk !== undefined && hashContent(disk) !== recorded;
  if (incoming === undefined) {
    if (disk === undefined) return 'gone';
    return editedSinceInstall ? 'keep-orphan' : 'remove';
  }
  if (disk === undefined) return 'create';
  if (disk === incoming) return 'identical';
  if (recorded === undefined) return 'foreign';
  return editedSinceInstall ? 'modified' : 'update';
}

function recordAfter(action: FileAction, recorded: string | undefined, incoming: string | undefined): string | undefined {
  switch (action) {
    case 'create':
    case 'identical':
    case 'update':
      return hashContent(incoming!);
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
    return { path, status: hashContent(disk) === recorded[path] ? 'unchanged' : 'modified' };
  });
}

/** The default sort compares UTF-16 code units, not the locale, so the order is the same on every machine. */
function sortedPaths(...maps: Record<string, unknown>[]): string[] {
  return [...new Set(maps.flatMap((map) => Object.keys(map)))].sort();
}
