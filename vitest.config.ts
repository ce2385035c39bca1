import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
  },
});
