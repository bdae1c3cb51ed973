/** A time window to summarise, `[start, end)`. */
export interface MetricsWindow {
  start: Date;
  end: Date;
}

/** The figures `GET /v1/metrics` reports (SPEC §4); percentiles are null when nothing was recorded. */
export interface MetricFigures {
  requests: { p50_ms: number | null; p95_ms: number | null; count: number };
  jobs: {
    p50_s: number | null;
    p95_s: number | null;
    completed: number;
    failed: number;
    failures_by_code: Record<string, number>;
  };
  /** Jobs that were rendering during the last minute (ActiveJobs heartbeats, see create-render-handler.ts). */
  active_jobs: number;
}

/** Reads the contract metrics back: CloudWatch GetMetricData on AWS, the in-process figures locally. */
export interface MetricsReader {
  read(window: MetricsWindow): Promise<MetricFigures>;
}
