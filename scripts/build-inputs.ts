// What dist/ is built from, and whether it still is. `npm run build` (scripts/build.ts) records a hash of
// every input in dist/build-inputs.json before it bundles; the tests that run the built package compare
// them with the sources on disk (test/helpers/fresh-dist.ts), so they never pass on a stale bundle.
// Node built-ins only: the build runs it with plain `node`, the tests through vitest.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const RECORD = 'dist/build-inputs.json';

/**
 * The bundle's inputs, relative to the package root: every file under generators/ (a new sub-generator is a
 * new entry point), the build scripts, and package.json with its lock (the versions of the bundled
 * packages). Templates are not among them: the command reads them from templates/ at run time.
 */
function inputs(root: string): string[] {
  const generators = readdirSync(join(root, 'generators'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
  const others = [
    'scripts/build.ts',
    'scripts/build-inputs.ts',
    'scripts/lazy-export.ts',
    'package.json',
    'package-lock.json',
  ];
  return [...generators, ...others.filter((path) => existsSync(join(root, path)))].sort();
}

/** Each input's hash as it is now: the build takes them before it reads the sources, and records them after. */
export function inputHashes(root: string): Record<string, string> {
  return Object.fromEntries(
    inputs(root).map((path) => [
      path,
      createHash('sha256')
        .update(readFileSync(join(root, path)))
        .digest('hex'),
    ]),
  );
}

export function recordInputs(root: string, built: Record<string, string>): void {
  writeFileSync(join(root, RECORD), `${JSON.stringify(built, null, 2)}\n`);
}

/** The inputs changed, added or removed since dist/ was built; undefined when it holds no record of a build. */
export function changedInputs(root: string): string[] | undefined {
  if (!existsSync(join(root, RECORD))) return undefined;
  const built: Record<string, string> = JSON.parse(readFileSync(join(root, RECORD), 'utf8'));
  const now = inputHashes(root);
  return [...new Set([...Object.keys(built), ...Object.keys(now)])].filter((path) => built[path] !== now[path]).sort();
}
