// `npm version <new>` runs this (the "version" script) after it has bumped package.json, so the version is
// written in one place: every pack file's `metadata.version` stamp takes it, and templates/releases/<version>.json
// records the pack as released (the merge base of later updates). `npm run release-snapshot` runs it alone.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const STAMP = /^(metadata:\n(?: {2}.*\n)*? {2}version: )"[^"\n]*"$/m;

for (const skill of readdirSync(join(root, 'templates/pack/.claude/skills'))) {
  const file = join(root, 'templates/pack/.claude/skills', skill, 'SKILL.md');
  const text = readFileSync(file, 'utf8');
  if (!STAMP.test(text)) throw new Error(`${file}: no metadata.version stamp to update`);
  writeFileSync(file, text.replace(STAMP, `$1"${version}"`));
}

// The release module is TypeScript with .js imports: bundle it for this one call (inside dist/, so it finds the package).
const bundle = join(root, 'dist/release-snapshot.mjs');
buildSync({
  entryPoints: [join(root, 'generators/io/releases.ts')],
  bundle: true,
  platform: 'node',
  // As in scripts/build.ts: jsonc-parser's "main" is a UMD build whose relative require()s a bundle cannot follow.
  mainFields: ['module', 'main'],
  format: 'esm',
  outfile: bundle,
  logLevel: 'error',
  // Bundled CommonJS modules (yaml, through the frontmatter reader) call require(), which an ES module lacks.
  banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` },
});
try {
  const { writeRelease } = await import(bundle);
  console.log(`stamped the pack with ${version}; wrote ${writeRelease()}`);
} finally {
  rmSync(bundle, { force: true });
}
