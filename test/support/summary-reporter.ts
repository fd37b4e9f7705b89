// Prints the run's closing lines for CI to read: files and suites that failed outside any test
// (a failing beforeAll, a fixture build, an import error) are counted as failures, so a run can
// never close on "0 failed" while whole files did not run. The last line is
// `tests: N passed, N failed, N skipped`, alone.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  failedFiles: string[];
  failedSuites: string[];
  /** Test files that did not pass, for any reason. */
  filesFailed: number;
}

/** Tallies tests, and suites/modules that failed without a failed test to show for it. */
export function tally(testModules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError> = []): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0, failedFiles: [], failedSuites: [], filesFailed: 0 };
  for (const mod of testModules) {
    let failedTests = 0;
    for (const test of mod.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') c.passed++;
      else if (state === 'failed') {
        c.failed++;
        failedTests++;
      } else c.skipped++;
    }
    const before = c.failedSuites.length;
    for (const suite of mod.children.allSuites()) {
      const noFailedTest = [...suite.children.allTests('failed')].length === 0;
      if ((suite.state() === 'failed' && noFailedTest) || suite.errors().length > 0)
        c.failedSuites.push(`${mod.relativeModuleId} > ${suite.fullName}`);
    }
    const moduleFailed = mod.state() === 'failed' || mod.errors().length > 0;
    if (moduleFailed) c.filesFailed++;
    if (mod.errors().length > 0 || (moduleFailed && failedTests === 0 && c.failedSuites.length === before))
      c.failedFiles.push(mod.relativeModuleId);
  }
  c.failed += c.failedFiles.length + c.failedSuites.length + unhandled.length;
  return c;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const c = tally(testModules, unhandledErrors);
    const lines = [''];
    for (const f of c.failedFiles) lines.push(`FAILED FILE ${f} (an error outside any test: see above)`);
    for (const s of c.failedSuites) lines.push(`FAILED SUITE ${s} (a hook or setup failed: see above)`);
    if (unhandledErrors.length) lines.push(`${unhandledErrors.length} unhandled error(s) (see above)`);
    lines.push(
      `files: ${testModules.length - c.filesFailed} passed, ${c.filesFailed} failed; ` +
        `files and suites failed outside a test: ${c.failedFiles.length + c.failedSuites.length}`,
    );
    lines.push(`tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
