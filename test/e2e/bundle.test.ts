import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { packageRoot } from '../../generators/io/paths.js';
import { makeRepo, node, runLauncher } from '../helpers/repo.js';

/**
 * What the package ships is the esbuild bundle (scripts/build.ts). These tests pin what makes it start
 * fast and work on its own, never a time: the bench (test/bench/bench.ts) measures those.
 */

/** Node's module debug log names every require() of a lazily loaded module by its `#lazy/` specifier. */
const lazyLoads = (stderr: string) => [...new Set(stderr.match(/REQUEST #lazy\/[\w-]+/g) ?? [])];
const debugModules = { NODE_DEBUG: 'module' };

describe('real process: the shipped bundle', () => {
  it('install, update, status, uninstall and --help load none of the lazily loaded modules', () => {
    const repo = makeRepo();
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    for (const args of [['--yes'], ['--yes'], ['status'], ['uninstall'], ['--help']]) {
      const run = runLauncher(repo, args, { env: debugModules });
      expect(run.status, run.output).toBe(0);
      expect(lazyLoads(run.stderr), args.join(' ')).toStrictEqual([]);
    }
  });

  it('every lazily loaded module loads from the bundle on first use, and the log above shows it', () => {
    const lazy = readdirSync(join(packageRoot, 'dist/lazy'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => file.slice(0, -3));
    expect(lazy).toContain('fly-import');
    // Loaded as the bundle's stand-ins load them: require() from inside the bundle, by the package's imports map.
    const script = [
      `const load = require('node:module').createRequire(${JSON.stringify(join(packageRoot, 'dist/generators/cli.js'))});`,
      `for (const name of ${JSON.stringify(lazy)}) if (Object.keys(load('#lazy/' + name)).length === 0) throw new Error(name + ' exports nothing');`,
    ].join('\n');
    const run = spawnSync(node, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...debugModules } });
    expect(run.status, run.stderr).toBe(0);
    expect(lazyLoads(run.stderr).sort()).toStrictEqual(lazy.map((name) => `REQUEST #lazy/${name}`).sort());
  });

  it('the package holds the command, the bundle and the templates, and needs no dependency at run time', () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toStrictEqual({});
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot, encoding: 'utf8' }),
    );
    const files: string[] = packed.files.map((file: { path: string }) => file.path);
    expect(files).toContain(manifest.bin['generator-ai-pack']);
    for (const sub of ['app', 'status', 'uninstall']) expect(files).toContain(`dist/generators/${sub}/index.js`);
    expect(files).toContain('dist/lazy/fly-import.js');
    expect(files).toContain('dist/THIRD-PARTY-LICENSES.txt');
    // The build's record of its sources (scripts/build-inputs.ts) is for the tests, not for users.
    expect(existsSync(join(packageRoot, 'dist/build-inputs.json'))).toBe(true);
    expect(files).not.toContain('dist/build-inputs.json');
    expect(files).toContain('templates/pack/.claude/settings.json');
    expect(
      files.filter((file) => file.endsWith('.ts') || file.startsWith('test/') || file.startsWith('scripts/')),
    ).toStrictEqual([]);
  });
});
