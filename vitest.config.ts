import { defineConfig } from 'vitest/config';

/** The tiers that run the built package (dist/) refuse one that is not built from the sources on disk. */
const builtPackage = ['./test/helpers/fresh-dist.ts'];

export default defineConfig({
  test: {
    // One temporary folder (and HOME) per run, and the check that the tests leave nothing in it.
    globalSetup: ['./test/helpers/global-setup.ts'],
    setupFiles: ['./test/helpers/cleanup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // End-to-end tests spawn real processes (the launcher, yo, the Claude Code client).
    testTimeout: 60_000,
    // Both cores of a 2-core machine (vitest's default keeps one free): the tests wait on processes
    // (the client, the launcher) as much as they compute.
    maxWorkers: '100%',
    // One worker runs many files (about 6 s less start-up on this machine); each file still cleans up
    // after itself (test/helpers/cleanup.ts), and no test leaves global state another relies on.
    isolate: false,
    // The built package (dist/, the esbuild bundle) is loaded by Node itself, as the command loads it,
    // not transformed again by vitest: test/helpers/in-process.ts runs the command from it.
    server: { deps: { external: [/\/dist\//] } },
    hookTimeout: 60_000,
    // The tiers (README, Development): `npm run test:unit`, `test:e2e`, `test:client`; `npm test` runs all three.
    projects: [
      // The pure logic of generators/lib: no build, no process of the command or the client.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The command, in-process and as real processes (a terminal, yo, another user), on real repositories.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/generator/**/*.test.ts'],
          globalSetup: builtPackage,
        },
      },
      // What the real Claude Code client says about the pack: conformance, the plugin, budgets, evals.
      { extends: true, test: { name: 'client', include: ['test/*.test.ts'], globalSetup: builtPackage } },
    ],
  },
});
