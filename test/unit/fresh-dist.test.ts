import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedInputs, inputHashes, recordInputs } from '../../scripts/build-inputs.ts';
import { refuseStaleBuild } from '../helpers/fresh-dist.js';
import { tempFolder, writeFiles } from '../helpers/repo.js';

/** A package root as the build leaves it: sources, build scripts, package.json, and dist/ with its record. */
function builtPackage(): string {
  const root = tempFolder('ai-pack-built-');
  writeFiles(root, {
    'generators/lib/summary.ts': "export const done = 'Installed';\n",
    'generators/app/index.ts': "import { done } from '../lib/summary.js';\n",
    'scripts/build.ts': '// the build\n',
    'package.json': '{ "name": "generator-ai-pack" }\n',
    'templates/pack/x.md': 'read at run time, not bundled\n',
  });
  mkdirSync(join(root, 'dist'));
  recordInputs(root, inputHashes(root));
  return root;
}

describe('the tests that run dist/ refuse a stale build (test/helpers/fresh-dist.ts)', () => {
  it('let a build of the sources on disk through, whatever happens to templates', () => {
    const root = builtPackage();
    writeFileSync(join(root, 'templates/pack/x.md'), 'edited\n');
    expect(changedInputs(root)).toStrictEqual([]);
    expect(() => refuseStaleBuild(root)).not.toThrow();
  });

  it('refuse a source changed, added or removed since the build, naming it and `npm run build`', () => {
    const root = builtPackage();
    writeFileSync(join(root, 'generators/lib/summary.ts'), "export const done = 'Done';\n");
    writeFileSync(join(root, 'generators/lib/new.ts'), '\n');
    rmSync(join(root, 'generators/app/index.ts'));
    writeFileSync(join(root, 'package.json'), '{ "name": "generator-ai-pack", "devDependencies": {} }\n');
    const changed = ['generators/app/index.ts', 'generators/lib/new.ts', 'generators/lib/summary.ts', 'package.json'];
    expect(changedInputs(root)).toStrictEqual(changed);
    expect(() => refuseStaleBuild(root)).toThrow(
      `dist/ is not built from the sources on disk (changed since the build: ${changed.join(', ')}). Run \`npm run build\``,
    );
  });

  it('refuse a dist/ with no record of a build', () => {
    const root = builtPackage();
    rmSync(join(root, 'dist'), { recursive: true });
    expect(() => refuseStaleBuild(root)).toThrow(/^dist\/ holds no build .*Run `npm run build`/);
  });
});
