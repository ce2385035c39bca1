import { packageRoot } from '../../generators/lib/paths.js';
import { changedInputs } from '../../scripts/build-inputs.ts';

/**
 * The tests that run the built package (dist/) refuse to start when it was not built from the sources on
 * disk: a changed message in generators/, not rebuilt, would otherwise still pass them. `npm test` builds
 * first; a run of one file (`npx vitest run test/e2e/update.test.ts`) after an edit needs `npm run build`.
 * Refused rather than built here: a build takes seconds, empties dist/ under any other run using it, and
 * would run twice in `npm test`.
 */
export default function setup(): void {
  refuseStaleBuild(packageRoot);
}

export function refuseStaleBuild(root: string): void {
  const changed = changedInputs(root);
  const what =
    changed === undefined
      ? 'dist/ holds no build (no dist/build-inputs.json)'
      : changed.length > 0 &&
        `dist/ is not built from the sources on disk (changed since the build: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''})`;
  if (what) throw new Error(`${what}. Run \`npm run build\`, then the tests again (\`npm test\` builds by itself).`);
}
