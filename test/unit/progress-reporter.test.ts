import { describe, expect, it } from "vitest";
import type { JobRecord } from "../../functions/core/jobs/job-record.js";
import { JobStore } from "../../functions/core/jobs/job-store.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { createProgressReporter } from "../../functions/render/pipeline/progress-reporter.js";

function setup() {
  const store = new InMemoryObjectStore();
  const writes: JobRecord[] = [];
  const jobs = new JobStore(store);
  const put = jobs.putStatus.bind(jobs);
  jobs.putStatus = async (r) => {
    writes.push(r);
    await put(r);
  };
  let now = 0;
  const clock = { now: () => new Date(now) };
  const record: JobRecord = {
    id: "01JZ0000000000000000000000",
    status: "processing",
    progress: 1,
    step: "fetching",
    created_at: "",
    updated_at: "",
    warnings: [],
    attempts: 1,
  };
  const reporter = createProgressReporter(record, { jobs, clock, minIntervalMs: 1000 });
  return { reporter, writes, advance: (ms: number) => (now += ms) };
}

describe("progress reporter", () => {
  it("writes a step change at once but throttles progress within a step to one write a second", async () => {
    const { reporter, writes, advance } = setup();
    await reporter.report("rendering", 0);
    expect(writes).toHaveLength(1);
    for (let i = 1; i <= 9; i++) {
      advance(100);
      await reporter.report("rendering", i / 10);
    }
    expect(writes).toHaveLength(1);
    advance(100);
    await reporter.report("rendering", 1);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.progress).toBe(82);
  });

  it("never lets progress go backwards", async () => {
    const { reporter, advance } = setup();
    await reporter.report("rendering", 0.9);
    advance(2000);
    await reporter.report("rendering", 0.1);
    expect(reporter.current().progress).toBe(75);
    await reporter.report("fetching", 0);
    expect(reporter.current().progress).toBe(75);
  });

  it("flush writes the pending update", async () => {
    const { reporter, writes, advance } = setup();
    await reporter.report("rendering", 0);
    advance(10);
    await reporter.report("rendering", 0.5);
    expect(writes).toHaveLength(1);
    await reporter.flush();
    expect(writes.at(-1)?.progress).toBe(51);
  });
});
