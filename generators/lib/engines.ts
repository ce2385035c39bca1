import satisfies from 'semver/functions/satisfies.js';

/**
 * Whether a Node version satisfies a package.json `engines` range, as npm reads it (semver). The launcher
 * checks the running Node against package.json's own `engines.node`, so the range is written in one place.
 * A pre-release Node (a nightly of 25) counts by its numbers: semver would otherwise leave it out of every range.
 */
export function satisfiesRange(version: string, range: string): boolean {
  return satisfies(version, range, { includePrerelease: true });
}
