// Prints the one plain line CI reads ("N passed, N failed"), computed from vitest's JSON report and
// the exit statuses of the steps around it, and exits non-zero exactly when that line counts a failure.
//
//   node scripts/summarise-test-results.mjs test-results.json [--vitest N] [--lint N] [--typecheck N]
//
// Each --<step> is that step's exit status. The JSON report alone cannot tell everything: an unhandled
// error (a rejection or exception a test left behind) makes vitest exit 1 while its report still says
// `success: true` with no failed test, so a non-zero --vitest with no failure in the report counts as
// one failure. A failed lint or typecheck counts as one failure each, and so does a run in which no
// test ran. The reason for every failure counted is printed above the line.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

function summarise(report, steps) {
  const reasons = [];
  let failed = 0;
  const fail = (reason, count = 1) => {
    failed += count;
    reasons.push(reason);
  };
  for (const step of ["lint", "typecheck"]) {
    if (steps[step] !== undefined && steps[step] !== 0) fail(`${step} failed (exit status ${steps[step]})`);
  }
  if (typeof report !== "object" || report === null || Array.isArray(report)) {
    fail(`no test report (${steps.reportError ?? "not an object"})`);
    return { passed: 0, failed, skipped: 0, reasons };
  }
  const before = failed;
  const passed = report.numPassedTests ?? 0;
  const failedTests = report.numFailedTests ?? 0;
  if (failedTests > 0) fail(`${failedTests} test(s) failed`, failedTests);
  // A test file that fails before running any test (import error, failing hook) has no failed test of
  // its own; count it once so it cannot hide.
  for (const file of report.testResults ?? []) {
    const ownFailure = (file.assertionResults ?? []).some((a) => a.status === "failed");
    if (file.status === "failed" && !ownFailure) {
      fail(
        `${file.name} failed outside its tests: ${String(file.message ?? "").split("\n")[0] || "no message"}`,
      );
    }
  }
  if (passed + failedTests === 0) fail("no test ran");
  if (steps.vitest !== undefined && steps.vitest !== 0 && failed === before) {
    fail(
      `vitest exited with status ${steps.vitest} although its report shows no failure (unhandled errors: see its output)`,
    );
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return { passed, failed, skipped, reasons };
}

function exitStatus(value, name) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} takes an exit status, not ${JSON.stringify(value)}`);
  return Number(value);
}

let summary;
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { vitest: { type: "string" }, lint: { type: "string" }, typecheck: { type: "string" } },
  });
  const file = positionals[0] ?? "test-results.json";
  const steps = {
    vitest: exitStatus(values.vitest, "vitest"),
    lint: exitStatus(values.lint, "lint"),
    typecheck: exitStatus(values.typecheck, "typecheck"),
  };
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    steps.reportError = `${file}: ${e.message}`;
  }
  summary = summarise(report, steps);
} catch (e) {
  summary = { passed: 0, failed: 1, skipped: 0, reasons: [`could not summarise: ${e.message}`] };
}
for (const reason of summary.reasons) console.log(`failure: ${reason}`);
const { passed, failed, skipped } = summary;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
