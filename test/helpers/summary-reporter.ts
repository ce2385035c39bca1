import type { Reporter, TestModule } from 'vitest/node';
import { leftoversMessage, takeLeftovers } from './global-setup.js';

/**
 * Ends every run with one plain line, `N passed, N failed, N skipped`, that any CI can read
 * (vitest's own summary is formatted for people). Files the tests left in their temporary folder
 * fail the run: a line before the summary names them, the summary counts them, the exit code is 1.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = (state: 'passed' | 'failed' | 'skipped') =>
      testModules.reduce((sum, module) => sum + [...module.children.allTests(state)].length, 0);
    const left = takeLeftovers();
    if (left.length > 0) {
      process.exitCode = 1;
      process.stdout.write(`\nFAILED: ${leftoversMessage(left)}\n`);
    }
    const leftover = left.length > 0 ? `, ${left.length} left in the temporary folder` : '';
    process.stdout.write(
      `\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped${leftover}\n`,
    );
  }
}
