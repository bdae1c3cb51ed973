import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { JOB_ERROR_CODES } from "../core/errors.js";
import { FAILURE_CODE_DIMENSION, METRICS, type MetricKey } from "../core/metric-names.js";
import type { MetricFigures, MetricsReader, MetricsWindow } from "../core/ports/metrics-reader.js";

/**
 * Every code a failed job can carry: the per-code series are read by name, so the API needs no
 * cloudwatch:ListMetrics and a SEARCH is not needed.
 */
export const READ_FAILURE_CODES = JOB_ERROR_CODES;

const MINUTE_MS = 60_000;
/** `active_jobs` looks this far back for the latest minute CloudWatch has ActiveJobs data for. */
const ACTIVE_LOOKBACK_MINUTES = 3;

/**
 * GET /v1/metrics on AWS: two GetMetricData calls (cloudwatch:GetMetricData only). The period
 * becomes a single CloudWatch period (whole minutes, ending at the next minute boundary), so each
 * statistic comes back as one datapoint: p50/p95 (extended statistics) and SampleCount of
 * RequestDuration and JobSeconds, Sum of JobFailures in total and per code. `active_jobs` is the
 * ActiveJobs Sum of the latest minute with data in the last three (one heartbeat per rendering
 * invocation per minute); EMF ingestion makes it a minute or two old.
 */
export class CloudWatchMetricsReader implements MetricsReader {
  /** `namespace`: the one this stack's functions write to (VIDEOCRAFT_METRIC_NAMESPACE). */
  constructor(
    private readonly client: CloudWatchClient,
    private readonly namespace: string,
  ) {}

  async read(window: MetricsWindow): Promise<MetricFigures> {
    const end = Math.ceil(window.end.getTime() / MINUTE_MS) * MINUTE_MS;
    const periodSeconds = Math.max(
      60,
      Math.ceil((window.end.getTime() - window.start.getTime()) / MINUTE_MS) * 60,
    );
    const stat = (id: string, key: MetricKey, statName: string, code?: string): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: this.namespace,
          MetricName: METRICS[key].name,
          ...(code ? { Dimensions: [{ Name: FAILURE_CODE_DIMENSION, Value: code }] } : {}),
        },
        Period: periodSeconds,
        Stat: statName,
      },
      ReturnData: true,
    });
    const codeId = (code: string) => `fail_${code.toLowerCase()}`;
    const main = await this.query(
      [
        stat("req_p50", "requestDuration", "p50"),
        stat("req_p95", "requestDuration", "p95"),
        stat("req_n", "requestDuration", "SampleCount"),
        stat("job_p50", "jobSeconds", "p50"),
        stat("job_p95", "jobSeconds", "p95"),
        stat("job_n", "jobSeconds", "SampleCount"),
        stat("fail_total", "jobFailures", "Sum"),
        ...READ_FAILURE_CODES.map((code) => stat(codeId(code), "jobFailures", "Sum", code)),
      ],
      new Date(end - periodSeconds * 1000),
      new Date(end),
    );
    const minuteEnd = Math.floor(window.end.getTime() / MINUTE_MS) * MINUTE_MS;
    const active = await this.query(
      [
        {
          Id: "active",
          MetricStat: {
            Metric: { Namespace: this.namespace, MetricName: METRICS.activeJobs.name },
            Period: 60,
            Stat: "Sum",
          },
          ReturnData: true,
        },
      ],
      new Date(minuteEnd - ACTIVE_LOOKBACK_MINUTES * MINUTE_MS),
      new Date(minuteEnd),
    );

    const failuresByCode: MetricFigures["jobs"]["failures_by_code"] = {};
    for (const code of READ_FAILURE_CODES) {
      const n = sum(main.get(codeId(code)));
      if (n > 0) failuresByCode[code] = n;
    }
    return {
      requests: {
        p50_ms: first(main.get("req_p50")),
        p95_ms: first(main.get("req_p95")),
        count: sum(main.get("req_n")),
      },
      jobs: {
        p50_s: first(main.get("job_p50")),
        p95_s: first(main.get("job_p95")),
        completed: sum(main.get("job_n")),
        failed: sum(main.get("fail_total")),
        failures_by_code: failuresByCode,
      },
      active_jobs: first(active.get("active")) ?? 0,
    };
  }

  /** Results by query id, following NextToken; newest datapoint first. */
  private async query(
    queries: MetricDataQuery[],
    start: Date,
    end: Date,
  ): Promise<Map<string, MetricDataResult>> {
    const results = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: start,
          EndTime: end,
          ScanBy: "TimestampDescending",
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const r of out.MetricDataResults ?? []) {
        if (!r.Id) continue;
        const seen = results.get(r.Id);
        results.set(r.Id, {
          ...r,
          Values: [...(seen?.Values ?? []), ...(r.Values ?? [])],
          Timestamps: [...(seen?.Timestamps ?? []), ...(r.Timestamps ?? [])],
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return results;
  }
}

const first = (r: MetricDataResult | undefined): number | null => r?.Values?.[0] ?? null;
const sum = (r: MetricDataResult | undefined): number => (r?.Values ?? []).reduce((a, b) => a + b, 0);
