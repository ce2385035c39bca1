// `npm run release-snapshot` (and `npm version`, through the `version` script): writes
// templates/releases/<package version>.json from templates/pack, the merge base of later updates.
import { relative } from 'node:path';
import { writeRelease } from '../dist/generators/lib/releases.js';

console.log(`wrote ${relative(process.cwd(), writeRelease())}`);
