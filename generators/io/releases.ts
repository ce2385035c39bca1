import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { SETTINGS_PATH } from '../lib/catalogue.js';
import { everyClientFile, everyClientPath } from '../lib/clients/files.js';
import { contentHash } from '../lib/eol.js';
import { isJsonObject, type JsonObject } from '../lib/strict-json.js';
import { packageVersion, packRoot, templatesRoot } from './paths.js';

/**
 * The pack files of every released version, shipped with the package (`templates/releases/<version>.json`),
 * so that an update can always find the version a user's edited file started from: the base of a
 * three-way merge. They are found by content hash, as the install record keeps it, whatever version
 * label the record carries. Each release also holds the settings it merged (its settings.json template), so
 * that an install record can claim only entries some version of the pack writes (see settings-claims.ts).
 * Written by scripts/version.ts, which `npm version` runs (also `npm run release-snapshot`); a released
 * version's file never changes.
 */

const releasesRoot = join(templatesRoot, 'releases');

/** Merged into the user's settings by recorded additions, never copied: no merge base is needed. */
const MERGED_FILES = new Set([SETTINGS_PATH]);

interface Release {
  version: string;
  /** Repository-relative path → content, for every file the version copies into a repository. */
  files: Record<string, string>;
  /** The version's `.claude/settings.json` template, for the default answers: merged, not copied. */
  settings: JsonObject;
}

/** The files of the pack in `root` as a release holds them (sorted by path, settings.json left out). */
export function packFiles(root: string = packRoot): Record<string, string> {
  const list = (dir: string, prefix: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = posix.join(prefix, entry.name);
      return entry.isDirectory() ? list(join(dir, entry.name), path) : [path];
    });
  const paths = list(root, '')
    .filter((path) => !MERGED_FILES.has(path))
    .sort();
  return Object.fromEntries(paths.map((path) => [path, readFileSync(join(root, path), 'utf8')]));
}

/** Where the snapshot of a version is. @internal */
export function releaseFile(version: string, dir: string = releasesRoot): string {
  return join(dir, `${version}.json`);
}

/** The settings template of the pack in `root` (the package's own file: a broken one is a defect, it throws). */
export function packSettingsTemplate(root: string = packRoot): JsonObject {
  const file = join(root, SETTINGS_PATH);
  const settings: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isJsonObject(settings)) throw new Error(`generator-ai-pack: ${file} is not a settings object`);
  return settings;
}

/**
 * Writes `<dir>/<version>.json` from the pack; returns its path.
 * @public scripts/version.ts calls it through a bundle of its own, which knip does not follow
 */
export function writeRelease(version: string = packageVersion, { dir = releasesRoot, root = packRoot } = {}): string {
  const release: Release = { version, files: packFiles(root), settings: packSettingsTemplate(root) };
  mkdirSync(dir, { recursive: true });
  const file = releaseFile(version, dir);
  writeFileSync(file, `${JSON.stringify(release, null, 2)}\n`);
  return file;
}

/** Every release in `dir`, oldest file name first. A malformed one is a defect of the package: it throws. @internal */
export function readReleases(dir: string = releasesRoot): Release[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return names.map((name) => {
    const release = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Release;
    const wellFormed =
      `${release.version}.json` === name &&
      isJsonObject(release.files) &&
      Object.values(release.files).every((content) => typeof content === 'string') &&
      isJsonObject(release.settings);
    if (!wellFormed)
      throw new Error(
        `generator-ai-pack: ${join(dir, name)} is not a release snapshot of version ${name.replace(/\.json$/, '')}`,
      );
    return release;
  });
}

/**
 * path → content hash → content, over every release and the pack as it is now (which may not be released yet),
 * each with the other clients' files rendered from it (lib/clients/files.ts: copies of the skills, agents in
 * each client's format), which are made from those files and so need no snapshot of their own.
 */
let index: Map<string, Map<string, string>> | undefined;

function shippedFiles(): Map<string, Map<string, string>> {
  if (index) return index;
  index = new Map();
  for (const files of [...readReleases().map((release) => release.files), packFiles()]) {
    for (const [path, content] of Object.entries({ ...files, ...everyClientFile(files) })) {
      if (!index.has(path)) index.set(path, new Map());
      index.get(path)!.set(contentHash(content), content);
    }
  }
  return index;
}

/** The content some version of the pack shipped at `path` with this hash (LF-normalised, as contentHash); undefined if none did. */
export function releasedContent(path: string, hash: string): string | undefined {
  return shippedFiles().get(path)?.get(hash);
}

/**
 * Every path a version of the pack copies into a repository: an install record may name only these. Known
 * without rendering the other clients' files, so a run that merges nothing never reads agent frontmatter.
 */
export function everShippedPaths(current: Readonly<Record<string, string>> = packFiles()): Set<string> {
  const sources = [...readReleases().map((release) => release.files), current].map((files) => Object.keys(files));
  return new Set(sources.flatMap((paths) => [...paths, ...everyClientPath(paths)]));
}

/** The settings template of every release and of the pack as it is now (`current`): what some version of the pack merges. */
export function everShippedSettings(current: JsonObject = packSettingsTemplate()): JsonObject[] {
  return [...readReleases().map((release) => release.settings), current];
}
