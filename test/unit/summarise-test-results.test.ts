import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The summary line CI prints must agree with its exit status: every failure it counts makes the
 * script exit 1, and every reason to fail the run is counted. Small hand-written vitest JSON reports
 * as fixtures, plus one real vitest run that leaves an unhandled rejection behind.
 */
const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, "../../scripts/summarise-test-results.mjs");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-summary-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Status = "passed" | "failed";
/** A vitest JSON report with the counts and files given (only the fields the summariser reads). */
function report(files: { name: string; tests: Status[]; status?: Status; message?: string }[]) {
  const all = files.flatMap((f) => f.tests);
  return {
    numTotalTests: all.length,
    numPassedTests: all.filter((s) => s === "passed").length,
    numFailedTests: all.filter((s) => s === "failed").length,
    numPendingTests: 0,
    numTodoTests: 0,
    success: !all.includes("failed") && !files.some((f) => f.status === "failed"),
    testResults: files.map((f) => ({
      name: f.name,
      status: f.status ?? (f.tests.includes("failed") ? "failed" : "passed"),
      message: f.message ?? "",
      assertionResults: f.tests.map((status, i) => ({ title: `t${i}`, status, failureMessages: [] })),
    })),
  };
}

let n = 0;
async function summarise(content: unknown, args: string[] = []) {
  const file = join(dir, `report-${n++}.json`);
  if (content !== undefined) {
    await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
  }
  const out = await run(process.execPath, [SCRIPT, file, ...args]).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const lines = out.stdout.trimEnd().split("\n");
  return { code: out.code, line: lines.at(-1), reasons: lines.slice(0, -1) };
}

const green = report([{ name: "a.test.ts", tests: ["passed", "passed", "passed"] }]);

describe("the CI summary line", () => {
  it("passes a green run with every step at status 0", async () => {
    expect(await summarise(green, ["--vitest", "0", "--lint", "0", "--typecheck", "0"])).toEqual({
      code: 0,
      line: "3 passed, 0 failed",
      reasons: [],
    });
  });

  it("counts failed tests", async () => {
    const r = await summarise(report([{ name: "a.test.ts", tests: ["passed", "failed", "failed"] }]), [
      "--vitest",
      "1",
    ]);
    expect(r).toMatchObject({ code: 1, line: "1 passed, 2 failed" });
  });

  it("counts a file that failed outside its tests (a hook or an import) once", async () => {
    const r = await summarise(
      report([
        { name: "a.test.ts", tests: ["passed"] },
        { name: "b.test.ts", tests: [], status: "failed", message: "Hook timed out in 60000ms\nmore" },
      ]),
      ["--vitest", "1"],
    );
    expect(r.code).toBe(1);
    expect(r.line).toBe("1 passed, 1 failed");
    expect(r.reasons).toEqual(["failure: b.test.ts failed outside its tests: Hook timed out in 60000ms"]);
  });

  it("counts vitest's non-zero exit when the report shows no failure (unhandled errors)", async () => {
    const r = await summarise(green, ["--vitest", "1"]);
    expect(r.code).toBe(1);
    expect(r.line).toBe("3 passed, 1 failed");
    expect(r.reasons[0]).toMatch(/vitest exited with status 1 although its report shows no failure/);
  });

  it("does not count vitest's exit twice when a test failure already explains it", async () => {
    const r = await summarise(report([{ name: "a.test.ts", tests: ["failed"] }]), ["--vitest", "1"]);
    expect(r.line).toBe("0 passed, 1 failed");
  });

  it.each([
    ["lint", ["--lint", "1"]],
    ["typecheck", ["--typecheck", "2"]],
  ])("counts a failed %s as a failure although every test passed", async (step, args) => {
    const r = await summarise(green, ["--vitest", "0", ...args]);
    expect(r.code).toBe(1);
    expect(r.line).toBe("3 passed, 1 failed");
    expect(r.reasons[0]).toMatch(new RegExp(`^failure: ${step} failed`));
  });

  it("adds lint, typecheck and test failures together", async () => {
    const r = await summarise(report([{ name: "a.test.ts", tests: ["passed", "failed"] }]), [
      "--vitest",
      "1",
      "--lint",
      "1",
      "--typecheck",
      "1",
    ]);
    expect(r).toMatchObject({ code: 1, line: "1 passed, 3 failed" });
  });

  it("fails a run in which no test ran", async () => {
    const r = await summarise(report([]), ["--vitest", "0"]);
    expect(r).toMatchObject({ code: 1, line: "0 passed, 1 failed", reasons: ["failure: no test ran"] });
  });

  it.each([
    ["missing", undefined],
    ["not JSON", "{ half a report"],
    ["not an object", "[]"],
  ])("fails when the report is %s, and still prints the line", async (_what, content) => {
    const r = await summarise(content, ["--vitest", "1"]);
    expect(r.code).toBe(1);
    expect(r.line).toBe("0 passed, 1 failed");
    expect(r.reasons[0]).toMatch(/^failure: no test report/);
  });

  it("reports skipped tests without failing on them", async () => {
    const r = await summarise({ ...green, numPendingTests: 2 }, ["--vitest", "0"]);
    expect(r).toMatchObject({ code: 0, line: "3 passed, 0 failed, 2 skipped" });
  });

  it("refuses an exit status that is not a number, as a failure", async () => {
    const r = await summarise(green, ["--vitest", "oops"]);
    expect(r).toMatchObject({ code: 1, line: "0 passed, 1 failed" });
  });
});

describe("vitest itself", () => {
  it("exits 1 on an unhandled rejection while its JSON report says success: the exit status must be passed on", async () => {
    const out = join(dir, "unhandled.json");
    const vitest = join(import.meta.dirname, "../../node_modules/vitest/vitest.mjs");
    const root = join(import.meta.dirname, "../fixtures/vitest-unhandled");
    const code = await run(process.execPath, [
      vitest,
      "run",
      "--root",
      root,
      "--reporter=json",
      `--outputFile.json=${out}`,
    ]).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(code).toBe(1);
    const json = JSON.parse(await readFile(out, "utf8"));
    expect(json).toMatchObject({ success: true, numPassedTests: 1, numFailedTests: 0 });
    const r = await summarise(json, ["--vitest", String(code)]);
    expect(r).toMatchObject({ code: 1, line: "1 passed, 1 failed" });
  }, 60_000);
});
