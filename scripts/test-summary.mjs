// Adds up the results of every suite (vitest JSON reports, the extension-host mocha results) and prints
// one line, "tests: N passed, N failed". A report that is missing counts as a failure: a suite that
// could not start must not look green. Exits 1 when anything failed.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.error(`test-summary: ${file} is missing (that suite did not run to the end)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  if ('numPassedTests' in report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) failed += report.numFailedTestSuites;
  } else {
    passed += report.passed;
    failed += report.failed;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
