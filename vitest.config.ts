import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/helpers/global-setup.ts'],
    setupFiles: ['./test/helpers/cleanup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // End-to-end tests spawn real processes (the launcher, yo, the Claude Code client).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
