import type { TestProject } from 'vitest/node';
import { packageRoot } from '../../generators/io/paths.js';
import { changedInputs } from '../../scripts/build-inputs.ts';

/**
 * The tests that run the built package (dist/) refuse to start when it was not built from the sources on
 * disk: a changed message in generators/, not rebuilt, would otherwise still pass them. `npm test` builds
 * first; a run of one file (`npx vitest run test/e2e/update.test.ts`) after an edit needs `npm run build`.
 * Refused rather than built here: a build takes seconds, empties dist/ under any other run using it, and
 * would run twice in `npm test`. In watch mode (`npx vitest`) each rerun of these tests is checked again, and a
 * stale build stops the watch with the same message.
 */
export default function setup(project: TestProject): void {
  refuseStaleBuild(packageRoot);
  project.onTestsRerun((specifications) => {
    if (specifications.some((specification) => specification.project === project)) refuseStaleBuild(packageRoot);
  });
}

export function refuseStaleBuild(root: string): void {
  const changed = changedInputs(root);
  if (changed?.length === 0) return;
  const what =
    changed === undefined
      ? 'dist/ holds no build (no dist/build-inputs.json)'
      : `dist/ is not built from the sources on disk (changed since the build: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''})`;
  throw new Error(`${what}. Run \`npm run build\`, then the tests again (\`npm test\` builds by itself).`);
}
