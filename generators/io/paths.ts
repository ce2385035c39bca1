import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up to our own package.json. The same code runs from
 * `generators/` (tests on the TypeScript sources) and from `dist/generators/` (the build),
 * so a fixed number of `..` would be wrong in one of them.
 */
function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'generator-ai-pack') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`generator-ai-pack: cannot find the package root above ${start}`);
    dir = parent;
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const templatesRoot = join(packageRoot, 'templates');
/** The folder a person can copy by hand: it holds exactly what `--yes` writes into an empty repository. */
export const packRoot = join(templatesRoot, 'pack');
const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
export const packageVersion: string = packageJson.version;
/** The Node versions the package runs on, as package.json's `engines.node` states them. */
export const nodeRange: string = packageJson.engines.node;
