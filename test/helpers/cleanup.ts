import { afterAll } from 'vitest';
import { removeTemporaryFolders } from './repo.js';

// Each test file removes the temporary folders its tests made (see tempFolder in ./repo.ts).
afterAll(removeTemporaryFolders);
