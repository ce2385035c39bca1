import { renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../generators/io/apply.js';
import { MAX_READ_BYTES, Repository } from '../../generators/io/repository.js';
import { snapshot, tempFolder, writeFiles } from '../helpers/repo.js';

function repository(files: Record<string, string>, options = {}): Repository {
  const root = tempFolder('ai-pack-repository-');
  writeFiles(root, files);
  return new Repository(root, options);
}

describe('Repository: the file a plan read is the file a change replaces or removes', () => {
  for (const withoutHandles of [false, true]) {
    const how = withoutHandles ? 'by real paths (systems without /proc/self/fd)' : 'through folder handles';
    it(`${how}: a file replaced after it was read is left alone, and the run says so`, () => {
      const repo = repository({ 'a/keep.md': 'read by the plan\n', 'a/gone.md': 'read too\n' }, { withoutHandles });
      expect(repo.read('a/keep.md')).toBe('read by the plan\n');
      expect(repo.read('a/gone.md')).toBe('read too\n');
      // Someone replaces both files (a new inode each) between the plan and its changes.
      for (const name of ['keep.md', 'gone.md']) {
        writeFileSync(join(repo.root, 'a', `${name}.new`), 'theirs\n');
        renameSync(join(repo.root, 'a', `${name}.new`), join(repo.root, 'a', name));
      }
      const before = snapshot(repo.root);
      expect(() => applyPlan(repo, [{ kind: 'write', path: 'a/keep.md', content: 'pack\n' }])).toThrow(
        /a\/keep\.md changed while the generator was working on it/,
      );
      expect(() => applyPlan(repo, [{ kind: 'delete', path: 'a/gone.md' }])).toThrow(/a\/gone\.md changed while/);
      expect(snapshot(repo.root)).toStrictEqual(before);
      repo.close();
    });

    it(`${how}: writes, deletes and folders made for them, then read back`, () => {
      const repo = repository({ 'old.md': 'old\n' }, { withoutHandles });
      expect(repo.read('old.md')).toBe('old\n');
      expect(repo.read('deep/new/file.md')).toBeUndefined();
      applyPlan(repo, [
        { kind: 'write', path: 'deep/new/file.md', content: 'new\n' },
        { kind: 'delete', path: 'old.md' },
      ]);
      expect(snapshot(repo.root)).toStrictEqual({ deep: '<dir>', 'deep/new': '<dir>', 'deep/new/file.md': 'new\n' });
      expect(repo.read('deep/new/file.md')).toBe('new\n');
      repo.close();
    });
  }

  it('a folder that was opened, then swapped for a link out, is still the folder it was', () => {
    const outside = tempFolder('ai-pack-outside-');
    const repo = repository({ 'a/file.md': 'mine\n' });
    expect(repo.read('a/file.md')).toBe('mine\n');
    renameSync(join(repo.root, 'a'), join(repo.root, 'moved'));
    symlinkSync(outside, join(repo.root, 'a'));
    applyPlan(repo, [{ kind: 'write', path: 'a/new.md', content: 'pack\n' }]);
    expect(snapshot(outside)).toStrictEqual({});
    expect(snapshot(join(repo.root, 'moved'))).toStrictEqual({ 'file.md': 'mine\n', 'new.md': 'pack\n' });
    repo.close();
  });
});

describe('Repository.read: capped and never blocking', () => {
  it(`a file larger than ${MAX_READ_BYTES / 2 ** 20} MiB is refused by name, without reading it`, () => {
    const repo = repository({ 'big.json': '' });
    truncateSync(join(repo.root, 'big.json'), 2 ** 31);
    expect(() => repo.read('big.json')).toThrow(/^big\.json is larger than 4 MiB, .*nothing was written\.$/);
    rmSync(join(repo.root, 'big.json'));
    repo.close();
  });
});

describe('Repository, personal: paths are named from the home folder', () => {
  it('errors say ~/.claude/…', () => {
    const repo = repository({ '.claude/settings.json/x': '' }, { personal: true });
    expect(() => repo.read('.claude/settings.json')).toThrow(
      /^~\/\.claude\/settings\.json is a folder, not a regular file/,
    );
    repo.close();
  });
});
