import { describe, expect, it } from 'vitest';
import { fileSystemProblem } from '../../generators/lib/errors.js';

describe('fileSystemProblem: the one table of file-system errors a person can fix', () => {
  const errorWith = (code: unknown) => Object.assign(new Error('x'), { code });

  it('names each in words, for the apply step and the launcher alike', () => {
    expect(fileSystemProblem(errorWith('ENOSPC'))).toBe('no space left on the device');
    expect(fileSystemProblem(errorWith('EACCES'))).toBe('permission denied');
    expect(fileSystemProblem(errorWith('ENOTDIR'))).toBe('a file stands where a folder should be');
  });

  it('knows nothing of other errors, codes that are not its own, or none', () => {
    for (const code of ['EIO', 'toString', '__proto__', 'constructor', undefined, 42])
      expect(fileSystemProblem(errorWith(code)), String(code)).toBeUndefined();
    expect(fileSystemProblem(new Error('no code'))).toBeUndefined();
    expect(fileSystemProblem(undefined)).toBeUndefined();
    expect(fileSystemProblem('a string')).toBeUndefined();
  });
});
