import { afterAll } from 'vitest';
import { packageRoot } from '../../generators/io/paths.js';
import { removeThrowAwayHomes } from './claude.js';
import { removeTemporaryFolders } from './repo.js';

// Each test file removes the temporary folders its tests made (tempFolder in ./repo.ts, the client's homes in ./claude.ts).
afterAll(() => {
  // yeoman-test leaves the process in the repository it ran in: step out before it is removed.
  process.chdir(packageRoot);
  removeTemporaryFolders();
  removeThrowAwayHomes();
});
