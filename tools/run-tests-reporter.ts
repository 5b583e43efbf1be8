/**
 * The vitest reporter behind `npm test` (tools/run-tests.ts): at the end of the run it writes
 * what happened to every test, suite and file, plus the unhandled errors, as JSON to the file
 * named by RUN_TESTS_RECORD. It decides nothing; tools/run-tests-summary.ts turns the record
 * into the closing line and applies the skip budget. Kept apart from vitest's own JSON report
 * because that report counts failed *tests* only: a failing hook, a file that fails to load and
 * an unhandled error leave no trace in its numbers.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule, TestSuite } from 'vitest/node';
import type { RunRecord } from './run-tests-summary';

function message(error: SerializedError): string {
  const text = `${error.name ?? 'Error'}: ${error.message ?? String(error)}`;
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

export default class RunRecordReporter implements Reporter {
  private filtered = false;

  onInit(vitest: { config: { testNamePattern?: RegExp } }): void {
    // With `-t pattern`, tests whose names do not match are skipped on purpose.
    this.filtered = vitest.config.testNamePattern !== undefined;
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const target = process.env['RUN_TESTS_RECORD'];
    if (!target) return;
    const record: RunRecord = {
      nameFilter: this.filtered,
      tests: [],
      suiteErrors: [],
      unhandledErrors: unhandledErrors.map(message),
    };
    for (const mod of testModules) {
      const file = mod.relativeModuleId.replaceAll('\\', '/');
      // Errors on the module itself: a load error, or a failing top-level hook.
      for (const error of mod.errors()) record.suiteErrors.push({ file, suite: '', message: message(error) });
      const failedSuites = new Set<TestSuite | TestModule>(mod.errors().length > 0 ? [mod] : []);
      for (const suite of mod.children.allSuites()) {
        const errors = suite.errors();
        if (errors.length > 0) failedSuites.add(suite);
        for (const error of errors)
          record.suiteErrors.push({ file, suite: suite.fullName, message: message(error) });
      }
      for (const test of mod.children.allTests()) {
        const result = test.result();
        let underFailedSuite = false;
        for (let p: TestSuite | TestModule = test.parent; ; p = p.parent) {
          if (failedSuites.has(p)) underFailedSuite = true;
          if (p.type === 'module') break;
        }
        record.tests.push({
          file,
          name: test.fullName,
          state: result.state,
          mode: test.options.mode,
          note: result.state === 'skipped' ? result.note : undefined,
          underFailedSuite,
        });
      }
    }
    writeFileSync(target, JSON.stringify(record));
  }
}
