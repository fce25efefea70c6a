import type { Reporter, TestModule } from "vitest/node";

/**
 * SummaryReporter ends a run with one plain line, "Tests: N passed, N failed, N skipped", that
 * CI tooling reads whatever the runner: vitest's own summary is styled for people.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const failedBefore = count.failed;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") count.passed++;
        else if (state === "failed") count.failed++;
        else count.skipped++;
      }
      // A file that failed with no failed test of its own has failed all the same: it did not
      // load (no tests to count), or a beforeAll threw (its tests all count as skipped).
      if (module.state() === "failed" && count.failed === failedBefore) count.failed++;
    }
    process.stdout.write(
      `\nTests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`,
    );
  }
}
