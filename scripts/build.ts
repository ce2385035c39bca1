// `npm run build`: the published package as one esbuild ESM bundle, minified, split by entry point.
// Run with the project's Node 24 (type stripping): `node scripts/build.ts`. Starts from an empty dist/.
//
// Entry points: the command (dist/generators/cli.js, run by bin/generator-ai-pack.js, after
// dist/generators/compile-cache.js has turned on Node's compile cache in the user's own folder), the launcher
// it runs (dist/generators/launcher.js, which the tests import to run the command in-process) and one
// entry per sub-generator (dist/generators/<sub>/index.js, the layout `yo ai-pack:<sub>` looks up).
// Code they share lands in dist/generators/chunks/. The modules in LAZY_MODULES, which an install
// with `--yes` never calls, are entries of their own under dist/lazy/: the bundle imports a stand-in
// (scripts/lazy-export.ts) that loads the real module with require() on first use; the package's
// "imports" map (#lazy/*) finds it from any chunk. Last, it records what dist/ was built from
// (scripts/build-inputs.ts), which the tests check before they run the built package.

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { inputHashes, recordInputs } from './build-inputs.ts';
import type { Defer } from './lazy-export.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

interface LazyModule {
  /** The module as its users import it; `file` picks a module inside that package instead of its main one. */
  module: string;
  file?: string;
  /** Exports that are called (or constructed) eagerly but used late: the call waits for first use. */
  defer?: Record<string, Defer>;
}

/**
 * What `--yes` never calls, by name under dist/lazy/. Each still works where it is used: prompts in
 * a terminal, the spinner, installing a missing generator.
 */
const LAZY_MODULES: Record<string, LazyModule> = {
  // npm's Arborist, pacote and sigstore: only to install generators that are missing.
  'fly-import': { module: 'fly-import', defer: { FlyRepository: 'construct' } },
  // The adapter builds inquirer's prompt module in its constructor, even when nothing is asked.
  'prompt-module': { module: '@yeoman/adapter', file: 'inquirer.js', defer: { createAdapterPromptModule: 'call' } },
  'inquirer-prompts': { module: '@inquirer/prompts' },
  // The adapter builds an ora spinner in its constructor; it runs only when a long step starts.
  ora: { module: 'ora', defer: { default: 'call' } },
  // Running commands (package managers, git) and asking the npm registry: never done by this pack.
  execa: { module: 'execa' },
  'simple-git': { module: 'simple-git' },
  'latest-version': { module: 'latest-version' },
  // Looking up installed generators on disk: the launcher names its generator's file instead.
  globby: { module: 'globby' },
  // The YAML reader, for skill frontmatter: status reads it only for a hand copy, the plugin generator for its agents.
  yaml: { module: 'yaml' },
};

/** The file a lazy module resolves to (its package's main module, or `file` beside it). */
function lazyModulePath({ module, file }: LazyModule): string {
  const main = fileURLToPath(import.meta.resolve(module));
  return file ? join(dirname(main), file) : main;
}

/** The stand-in module: the real module's exports, each a lazyExport that requires the real one on first use. */
async function standIn(name: string, lazy: LazyModule, path: string): Promise<string> {
  const namespace = await import(pathToFileURL(path).href);
  // A CommonJS module (Node lists its whole exports object as `module.exports` too) is bundled as the default
  // export of its lazy entry: its named exports are read from there.
  const commonJs = 'module.exports' in namespace;
  const exports = Object.keys(namespace).filter((key) => key !== 'module.exports' && !(commonJs && key === 'default'));
  const lines = [
    `import { createRequire } from 'node:module';`,
    `import { lazyExport } from ${JSON.stringify(join(root, 'scripts/lazy-export.ts'))};`,
    `let real;`,
    `const load = () => (real ??= createRequire(import.meta.url)('#lazy/${name}')${commonJs ? '.default' : ''});`,
  ];
  for (const key of exports) {
    const value = `lazyExport(() => load()[${JSON.stringify(key)}], ${JSON.stringify(lazy.defer?.[key])})`;
    lines.push(key === 'default' ? `export default ${value};` : `export const ${key} = ${value};`);
  }
  return lines.join('\n');
}

/** Imports of a lazy module's file, from anywhere but its own entry point, get the stand-in. */
function lazyModulesPlugin(): esbuild.Plugin {
  const byPath = new Map(Object.entries(LAZY_MODULES).map(([name, lazy]) => [lazyModulePath(lazy), name]));
  const specifiers = Object.values(LAZY_MODULES).map(({ module, file }) => (file ? `./${file}` : module));
  const filter = new RegExp(`^(${specifiers.map(escapeRegExp).join('|')})$`);
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData?.probing) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { probing: true },
        });
        const name = byPath.get(resolved.path);
        return name ? { path: name, namespace: 'lazy-stand-in', pluginData: { path: resolved.path } } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-stand-in' }, async (args) => ({
        contents: await standIn(args.path, LAZY_MODULES[args.path], args.pluginData.path),
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
}

/**
 * Bundled modules that read their own package.json beside them at run time, which the bundle does not
 * ship: the read is replaced by that package.json's name and version, inlined at build time. The build
 * fails if a pinned version moves and the code no longer matches.
 */
const OWN_PACKAGE_JSON_READS: Record<string, string> = {
  'node_modules/yeoman-environment/dist/module-lookup.js': `JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString())`,
  'node_modules/yeoman-environment/dist/environment-base.js': `require('../package.json')`,
  'node_modules/yeoman-generator/dist/generator.js': `JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))`,
};

function ownPackageJsonPlugin(): esbuild.Plugin {
  return {
    name: 'own-package-json',
    setup(build) {
      for (const [file, read] of Object.entries(OWN_PACKAGE_JSON_READS)) {
        const path = join(root, file);
        build.onLoad({ filter: new RegExp(`^${escapeRegExp(path)}$`) }, () => {
          const source = readFileSync(path, 'utf8');
          if (!source.includes(read))
            throw new Error(`${file} no longer reads its package.json as \`${read}\`: update OWN_PACKAGE_JSON_READS`);
          const { name, version } = JSON.parse(readFileSync(join(path, '../../package.json'), 'utf8'));
          return { contents: source.replace(read, JSON.stringify({ name, version })), loader: 'js' };
        });
      }
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Sub-generators: the folders under generators/ that hold an index.ts. */
function subGenerators(): string[] {
  const generators = join(root, 'generators');
  return readdirSync(generators, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(generators, entry.name, 'index.ts')))
    .map((entry) => entry.name);
}

const entryPoints: Record<string, string> = {
  'generators/cli': join(root, 'generators/cli.ts'),
  'generators/launcher': join(root, 'generators/launcher.ts'),
  'generators/compile-cache': join(root, 'generators/compile-cache.ts'),
};
for (const sub of subGenerators()) entryPoints[`generators/${sub}/index`] = join(root, 'generators', sub, 'index.ts');
for (const [name, lazy] of Object.entries(LAZY_MODULES)) entryPoints[`lazy/${name}`] = lazyModulePath(lazy);

// Taken before anything is read, so a source saved during the build leaves dist/ stale, as it is.
const inputs = inputHashes(root);
rmSync(dist, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints,
  outdir: dist,
  chunkNames: 'generators/chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // ES modules first: jsonc-parser's "main" is a UMD build whose relative require()s a bundle cannot follow.
  mainFields: ['module', 'main'],
  target: 'node22.18',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  external: ['#lazy/*'],
  metafile: true,
  logLevel: 'warning',
  plugins: [lazyModulesPlugin(), ownPackageJsonPlugin()],
  // Bundled CommonJS modules call require() and read __dirname, which an ES module does not have.
  banner: {
    js: [
      `import { createRequire as __aiPackCreateRequire } from 'node:module';`,
      `import { dirname as __aiPackDirname } from 'node:path';`,
      `import { fileURLToPath as __aiPackFileURLToPath } from 'node:url';`,
      `const require = __aiPackCreateRequire(import.meta.url);`,
      `const __filename = __aiPackFileURLToPath(import.meta.url);`,
      `const __dirname = __aiPackDirname(__filename);`,
    ].join(''),
  },
});
writeFileSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicences(result.metafile));
recordInputs(root, inputs);

/** The licence of every package with code in the bundle, with its name and version, from its own files. */
function thirdPartyLicences(metafile: esbuild.Metafile): string {
  const used = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match && bytesInOutput > 0) used.add(match[1]);
    }
  }
  const sections = [...used].sort().map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
    const declared =
      license === undefined
        ? 'none declared in its package.json'
        : typeof license === 'string'
          ? license
          : JSON.stringify(license);
    const text = file
      ? readFileSync(join(root, dir, file), 'utf8').trim()
      : `License: ${declared} (no licence file in the package)`;
    return `${name}@${version} (${relative(root, join(root, dir))})\n\n${text}\n`;
  });
  return `Third-party code bundled into generator-ai-pack's dist/, one section per package.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}
