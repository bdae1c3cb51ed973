import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EmfMetrics } from "../../functions/adapters/emf-metrics.js";
import { METRICS, type MetricKey, metricNamespaceFor } from "../../functions/core/metric-names.js";

// biome-ignore lint/suspicious/noExplicitAny: EMF documents are arbitrary JSON
type Any = any;

/** Lines Powertools writes to stdout (its own Console on process.stdout), parsed as JSON. */
let lines: string[];
beforeEach(() => {
  lines = [];
  // POWERTOOLS_DEV would route output to console.log and disable metrics.
  vi.stubEnv("POWERTOOLS_DEV", undefined);
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", undefined);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A deployed stack's namespace: its metrics must never land in another stack's. */
const NAMESPACE = metricNamespaceFor("Prod");

const emitted = (): Any[] => lines.map((line) => JSON.parse(line));

/** The CloudWatch EMF specification's required shape, for one document. */
function expectValidEmf(doc: Any) {
  const aws = doc._aws;
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(Math.abs(aws.Timestamp - Date.now())).toBeLessThan(60_000);
  expect(aws.CloudWatchMetrics).toHaveLength(1);
  const directive = aws.CloudWatchMetrics[0];
  expect(directive.Namespace).toBe(NAMESPACE);
  expect(Array.isArray(directive.Dimensions)).toBe(true);
  expect(directive.Dimensions.length).toBeGreaterThan(0);
  for (const set of directive.Dimensions) {
    expect(Array.isArray(set)).toBe(true);
    // Every dimension key named has a string value at the top level.
    for (const key of set) expect(typeof doc[key]).toBe("string");
  }
  for (const metric of directive.Metrics) {
    const value = doc[metric.Name];
    const values = Array.isArray(value) ? value : [value];
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(typeof v).toBe("number");
  }
  return directive as { Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] };
}

describe("EMF metrics adapter", () => {
  it("emits every contract metric with its unit, undimensioned as the explicit empty set [[]]", () => {
    const metrics = new EmfMetrics("videocraft-test", NAMESPACE);
    metrics.record("jobSeconds", 12.5);
    metrics.record("requestDuration", 3.2);
    metrics.record("requestDuration", 7);
    metrics.record("activeJobs", 1);
    metrics.record("renderFps", 88.4);
    expect(lines).toEqual([]); // buffered until flush
    metrics.flush();

    const docs = emitted();
    expect(docs).toHaveLength(1);
    const doc = docs[0];
    const directive = expectValidEmf(doc);
    // No `service` (or any) dimension: the alarms and dashboard read the undimensioned series.
    expect(directive.Dimensions).toEqual([[]]);
    const keys: MetricKey[] = ["jobSeconds", "requestDuration", "activeJobs", "renderFps"];
    expect(directive.Metrics).toEqual(keys.map((k) => ({ Name: METRICS[k].name, Unit: METRICS[k].unit })));
    expect(doc.JobSeconds).toBe(12.5);
    expect(doc.RequestDuration).toEqual([3.2, 7]);
    expect(doc.ActiveJobs).toBe(1);
    expect(doc.RenderFps).toBe(88.4);
    expect(doc.service).toBe("videocraft-test"); // metadata only
    expect(doc.Code).toBeUndefined();
  });

  it("publishes JobFailures per Code and as a total: dimension sets [['Code'], []]", () => {
    const metrics = new EmfMetrics("videocraft-test", NAMESPACE);
    metrics.record("jobSeconds", 4);
    metrics.record("jobFailures", 1, { Code: "SOURCE_UNREACHABLE" });
    metrics.record("jobFailures", 1, { Code: "TIMEOUT" });
    metrics.flush();

    const docs = emitted();
    expect(docs).toHaveLength(3);
    for (const doc of docs) expectValidEmf(doc);
    const failures = docs.filter((d) => d._aws.CloudWatchMetrics[0].Metrics[0].Name === "JobFailures");
    expect(failures).toHaveLength(2);
    for (const doc of failures) {
      const directive = doc._aws.CloudWatchMetrics[0];
      expect(directive.Dimensions).toEqual([["Code"], []]);
      expect(directive.Metrics).toEqual([{ Name: "JobFailures", Unit: "Count" }]);
      expect(doc.JobFailures).toBe(1);
    }
    expect(failures.map((d) => d.Code)).toEqual(["SOURCE_UNREACHABLE", "TIMEOUT"]);
    // Undimensioned metrics never share a document with the Code dimension set.
    const plain = docs.find((d) => d.JobSeconds !== undefined);
    expect(plain._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
    expect(plain.Code).toBeUndefined();
  });

  it("writes nothing when nothing was recorded, and clears what it flushed", () => {
    const metrics = new EmfMetrics("videocraft-test", NAMESPACE);
    metrics.flush();
    expect(lines).toEqual([]);
    metrics.record("activeJobs", 1);
    metrics.flush();
    metrics.flush();
    expect(lines).toHaveLength(1);
  });
});
