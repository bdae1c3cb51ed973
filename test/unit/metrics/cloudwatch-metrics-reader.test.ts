import { readFileSync } from "node:fs";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import {
  CloudWatchMetricsReader,
  READ_FAILURE_CODES,
} from "../../../functions/adapters/cloudwatch-metrics-reader.js";

// biome-ignore lint/suspicious/noExplicitAny: request bodies are arbitrary JSON
type Any = any;

/** A GetMetricData answer in CloudWatch's wire shape (AWS JSON 1.0: epoch-second timestamps). */
const RECORDED = readFileSync(new URL("./fixtures/get-metric-data-response.json", import.meta.url), "utf8");
const ACTIVE = JSON.stringify({
  MetricDataResults: [
    {
      Id: "active",
      Label: "ActiveJobs",
      StatusCode: "Complete",
      Timestamps: [1741061040, 1741060980],
      Values: [3, 2],
    },
  ],
  Messages: [],
});

/**
 * The real SDK client (serialisation, protocol, deserialisation) with its HTTP layer replaced:
 * every request is kept and answered with a canned HTTP response. No network, no credentials lookup.
 */
function cannedClient(answers: string[]) {
  const requests: { headers: Record<string, string>; body: Any }[] = [];
  const client = new CloudWatchClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body: string | Uint8Array }) => {
        const text = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
        requests.push({ headers: request.headers, body: JSON.parse(text) });
        const body = answers.shift();
        if (body === undefined) throw new Error("unexpected extra request");
        return {
          response: {
            statusCode: 200,
            reason: "OK",
            headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "req-1" },
            body: new TextEncoder().encode(body),
          },
        };
      },
    } as Any,
  });
  return { client, requests };
}

/** A deployed stack's own namespace: the reader must ask for it, not another stack's. */
const NAMESPACE = "VideoCraft/Prod";

const NOW = new Date("2025-03-04T04:04:30.000Z");
const HOUR_AGO = new Date(NOW.getTime() - 3600_000);

describe("CloudWatch metrics reader", () => {
  it("asks GetMetricData for p50/p95/SampleCount and failure sums over one period, then reads the answer", async () => {
    const { client, requests } = cannedClient([RECORDED, ACTIVE]);
    const figures = await new CloudWatchMetricsReader(client, NAMESPACE).read({ start: HOUR_AGO, end: NOW });

    expect(figures).toEqual({
      requests: { p50_ms: 41.73, p95_ms: 212.4, count: 1520 },
      jobs: {
        p50_s: 38.2,
        p95_s: 171.9,
        completed: 57,
        failed: 4,
        failures_by_code: { SOURCE_UNREACHABLE: 3, RENDER_FAILED: 1 },
      },
      active_jobs: 3,
    });

    expect(requests).toHaveLength(2);
    const [main, active] = requests as [Any, Any];
    expect(main.headers["x-amz-target"]).toBe("GraniteServiceVersion20100801.GetMetricData");
    // One whole-minute period ending at the next minute boundary: one datapoint per statistic.
    expect(main.body.EndTime).toBe(Date.parse("2025-03-04T04:05:00Z") / 1000);
    expect(main.body.StartTime).toBe(Date.parse("2025-03-04T03:05:00Z") / 1000);
    const queries = new Map<string, Any>(main.body.MetricDataQueries.map((q: Any) => [q.Id, q]));
    const stat = (id: string) => {
      const q = queries.get(id);
      return {
        name: q.MetricStat.Metric.MetricName,
        stat: q.MetricStat.Stat,
        dims: q.MetricStat.Metric.Dimensions,
        period: q.MetricStat.Period,
        ns: q.MetricStat.Metric.Namespace,
      };
    };
    expect(stat("req_p50")).toEqual({
      name: "RequestDuration",
      stat: "p50",
      dims: undefined,
      period: 3600,
      ns: NAMESPACE,
    });
    expect(stat("req_p95")).toMatchObject({ name: "RequestDuration", stat: "p95" });
    expect(stat("req_n")).toMatchObject({ name: "RequestDuration", stat: "SampleCount" });
    expect(stat("job_p50")).toMatchObject({ name: "JobSeconds", stat: "p50" });
    expect(stat("job_p95")).toMatchObject({ name: "JobSeconds", stat: "p95" });
    expect(stat("job_n")).toMatchObject({ name: "JobSeconds", stat: "SampleCount" });
    expect(stat("fail_total")).toMatchObject({ name: "JobFailures", stat: "Sum", dims: undefined });
    for (const code of READ_FAILURE_CODES) {
      expect(stat(`fail_${code.toLowerCase()}`)).toMatchObject({
        name: "JobFailures",
        stat: "Sum",
        dims: [{ Name: "Code", Value: code }],
      });
    }
    expect(queries.size).toBe(7 + READ_FAILURE_CODES.length);
    for (const q of queries.values()) {
      expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
      expect(q.MetricStat.Metric.Namespace).toBe(NAMESPACE);
    }

    // ActiveJobs: per-minute sums over the last three whole minutes, newest first.
    expect(active.body.MetricDataQueries).toEqual([
      {
        Id: "active",
        MetricStat: {
          Metric: { Namespace: NAMESPACE, MetricName: "ActiveJobs" },
          Period: 60,
          Stat: "Sum",
        },
        ReturnData: true,
      },
    ]);
    expect(active.body.ScanBy).toBe("TimestampDescending");
    expect(active.body.EndTime).toBe(Date.parse("2025-03-04T04:04:00Z") / 1000);
    expect(active.body.StartTime).toBe(Date.parse("2025-03-04T04:01:00Z") / 1000);
  });

  it("reports null percentiles and zero counts when CloudWatch has no data", async () => {
    const empty = JSON.stringify({ MetricDataResults: [], Messages: [] });
    const { client } = cannedClient([empty, empty]);
    const figures = await new CloudWatchMetricsReader(client, NAMESPACE).read({
      start: new Date(NOW.getTime() - 14 * 86_400_000),
      end: NOW,
    });
    expect(figures).toEqual({
      requests: { p50_ms: null, p95_ms: null, count: 0 },
      jobs: { p50_s: null, p95_s: null, completed: 0, failed: 0, failures_by_code: {} },
      active_jobs: 0,
    });
  });

  it("follows NextToken pages", async () => {
    const page1 = JSON.stringify({
      MetricDataResults: [{ Id: "req_n", StatusCode: "PartialData", Timestamps: [1741060020], Values: [10] }],
      NextToken: "page-2",
    });
    const page2 = JSON.stringify({
      MetricDataResults: [{ Id: "req_n", StatusCode: "Complete", Timestamps: [1741056420], Values: [5] }],
    });
    const empty = JSON.stringify({ MetricDataResults: [] });
    const { client, requests } = cannedClient([page1, page2, empty]);
    const figures = await new CloudWatchMetricsReader(client, NAMESPACE).read({ start: HOUR_AGO, end: NOW });
    expect(figures.requests.count).toBe(15);
    expect(requests[1]?.body.NextToken).toBe("page-2");
  });
});
