import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageVersion } from '../../generators/io/paths.js';
import { hasStackTrace, launcher, node, tempFolder } from '../helpers/repo.js';

/**
 * Node's compile cache holds compiled code that Node runs instead of the source when the cache entry claims
 * to match it. Planted by another user, an entry runs their code as whoever runs the command next. These
 * tests plant a real forged entry (the compiled code of a payload of the same length, with the hash of the
 * real module patched in) where a cache could be looked for, and prove it never runs.
 */

/** The module the command loads first once the cache is on: the forged entry stands in for it. */
const target = join(packageRoot, 'dist/generators/cli.js');

/** Runs the command; `--version` is enough to load the bundle through the cache. */
function version(env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const run = spawnSync(node, [launcher, '--version'], {
    env: { ...process.env, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

/**
 * A forged cache entry for `target`, as `<version folder>/<entry name>` → bytes: the compiled code of a payload
 * that writes `marker`, of the same length as the real module, with the real module's source hash in its header.
 */
function forgedEntry(scratch: string, marker: string): { relativePath: string; bytes: Buffer } {
  // Where Node keeps the entry of the real module, and its header, from a cache of our own (Node's variable).
  const legit = join(scratch, 'legit');
  const trace = spawnSync(node, [launcher, '--version'], {
    env: { ...process.env, NODE_COMPILE_CACHE: legit, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
    encoding: 'utf8',
  });
  const written = new RegExp(`writing cache for ESM file://${target} to temporary file (\\S+)\\.\\w+ `).exec(
    trace.stdout + trace.stderr,
  );
  expect(written, trace.stderr).not.toBeNull();
  const entry = written![1];
  const real = readFileSync(entry);
  const source = readFileSync(target, 'utf8');
  let payload = `import{writeFileSync as w}from'node:fs';w(${JSON.stringify(marker)},'ran');`;
  payload += `//${'x'.repeat(source.length - payload.length - 2)}`;
  const payloadFolder = join(scratch, 'payload');
  mkdirSync(payloadFolder);
  writeFileSync(join(payloadFolder, 'payload.mjs'), payload);
  const payloadCache = join(scratch, 'payload-cache');
  execFileSync(node, [join(payloadFolder, 'payload.mjs')], {
    env: { ...process.env, NODE_COMPILE_CACHE: payloadCache },
  });
  execFileSync('rm', ['-f', marker]);
  const [versionFolder] = readdirSync(payloadCache);
  const [compiled] = readdirSync(join(payloadCache, versionFolder));
  const bytes = readFileSync(join(payloadCache, versionFolder, compiled));
  // Header: magic, code size, cache size, code hash (of the source), cache hash. Only the source's hash differs.
  bytes.writeUInt32LE(real.readUInt32LE(12), 12);
  return { relativePath: relative(legit, entry), bytes };
}

function plant(cacheFolder: string, entry: { relativePath: string; bytes: Buffer }): void {
  mkdirSync(join(cacheFolder, entry.relativePath, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(join(cacheFolder, entry.relativePath), entry.bytes);
}

describe('real process: the compile cache is never taken from a place another user can write', () => {
  const scratch = tempFolder('ai-pack-cache-');
  const marker = join(scratch, 'payload-ran');
  const entry = forgedEntry(scratch, marker);

  it("the forged entry is real: in the user's own cache folder, Node runs it (the tests below would prove nothing otherwise)", () => {
    const cacheHome = tempFolder('ai-pack-cache-home-');
    plant(join(cacheHome, 'generator-ai-pack/compile-cache'), entry);
    chmodSync(join(cacheHome, 'generator-ai-pack'), 0o700);
    const run = version({ XDG_CACHE_HOME: cacheHome });
    expect(run.status, run.output).toBe(0);
    expect(existsSync(marker)).toBe(true);
    execFileSync('rm', [marker]);
  });

  it("a cache planted in the shared temporary folder (Node's default) is not used", () => {
    const shared = tempFolder('ai-pack-shared-tmp-');
    chmodSync(shared, 0o1777);
    plant(join(shared, 'node-compile-cache'), entry);
    const cacheHome = tempFolder('ai-pack-cache-home-');
    const run = version({ TMPDIR: shared, XDG_CACHE_HOME: cacheHome });
    expect(run, run.output).toStrictEqual({ status: 0, output: `${packageVersion}\n` });
    expect(existsSync(marker)).toBe(false);
    // Its own cache is in the user's folder, made for the user alone.
    expect(statSync(join(cacheHome, 'generator-ai-pack')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(cacheHome, 'generator-ai-pack/compile-cache'))).toHaveLength(1);
  });

  const hostile: [string, (folder: string) => void][] = [
    ['group-writable', (folder) => chmodSync(folder, 0o770)],
    ['writable by everyone', (folder) => chmodSync(folder, 0o777)],
    [
      'a link to a folder of the right kind',
      (folder) => {
        const real = `${folder}-real`;
        cpSync(folder, real, { recursive: true });
        chmodSync(real, 0o700);
        execFileSync('rm', ['-rf', folder]);
        symlinkSync(real, folder);
      },
    ],
  ];
  const root = process.getuid?.() === 0;
  if (root)
    hostile.push(['owned by another user (nobody)', (folder) => execFileSync('chown', ['-R', 'nobody', folder])]);
  else console.warn("skipped the case of another user's folder: not running as root (chown)");
  for (const [name, spoil] of hostile) {
    it(`a per-user folder that is ${name} is not used: no cache, the command works`, () => {
      const cacheHome = tempFolder('ai-pack-cache-home-');
      const folder = join(cacheHome, 'generator-ai-pack');
      plant(join(folder, 'compile-cache'), entry);
      chmodSync(folder, 0o700);
      spoil(folder);
      const run = version({ XDG_CACHE_HOME: cacheHome });
      expect(run, run.output).toStrictEqual({ status: 0, output: `${packageVersion}\n` });
      expect(hasStackTrace(run.output)).toBe(false);
      expect(existsSync(marker)).toBe(false);
    });
  }
});
