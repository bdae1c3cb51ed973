// Prints the one plain line CI reads ("N passed, N failed"), computed from vitest's JSON report,
// and exits non-zero when any test failed or the report is missing.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "test-results.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (e) {
  console.log("0 passed, 1 failed");
  console.error(`no test report at ${file}: ${e.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A test file that fails before running any test (import error, failing hook) has no failed test of its
// own; count it once so it cannot hide.
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
