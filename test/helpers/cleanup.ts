import { afterAll } from 'vitest';
import { removeThrowAwayHomes } from './claude.js';
import { removeTemporaryFolders } from './repo.js';

// Each test file removes the temporary folders its tests made (tempFolder in ./repo.ts, the client's homes in ./claude.ts).
afterAll(() => {
  removeTemporaryFolders();
  removeThrowAwayHomes();
});
