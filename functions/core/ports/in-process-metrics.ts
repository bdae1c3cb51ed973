import { isJobErrorCode } from "../errors.js";
import { FAILURE_CODE_DIMENSION, type MetricKey } from "../metric-names.js";
import { percentile } from "../metrics/percentile.js";
import { type Clock, systemClock } from "./clock.js";
import type { Metrics } from "./metrics.js";
import type { MetricFigures, MetricsReader, MetricsWindow } from "./metrics-reader.js";

interface Sample {
  at: number;
  value: number;
  dimensions: Readonly<Record<string, string>> | undefined;
}

/** As long as the longest period `GET /v1/metrics` accepts. */
const KEEP_MS = 14 * 24 * 3600 * 1000;
/** Per metric, so a long-running local service holds a bounded amount of memory. */
const MAX_SAMPLES = 100_000;
const ACTIVE_WINDOW_MS = 60_000;

/**
 * Local mode's metrics: the API and the render workers run in one process, so both record here and
 * `GET /v1/metrics` reads the same figures back, computed the way CloudWatch would.
 */
export class InProcessMetrics implements Metrics, MetricsReader {
  private readonly samples = new Map<MetricKey, Sample[]>();

  constructor(private readonly clock: Clock = systemClock) {}

  record(metric: MetricKey, value: number, dimensions?: Readonly<Record<string, string>>): void {
    const at = this.clock.now().getTime();
    const list = this.samples.get(metric) ?? [];
    this.samples.set(metric, list);
    list.push({ at, value, dimensions });
    const stale = list.findIndex((s) => s.at >= at - KEEP_MS);
    const drop = Math.max(stale === -1 ? list.length : stale, list.length - MAX_SAMPLES);
    if (drop > 0) list.splice(0, drop);
  }

  flush(): void {}

  async read(window: MetricsWindow): Promise<MetricFigures> {
    const inWindow = (metric: MetricKey, start = window.start.getTime(), end = window.end.getTime()) =>
      (this.samples.get(metric) ?? []).filter((s) => s.at >= start && s.at <= end);
    const durations = inWindow("requestDuration").map((s) => s.value);
    const jobSeconds = inWindow("jobSeconds").map((s) => s.value);
    const failures = inWindow("jobFailures");
    const byCode: MetricFigures["jobs"]["failures_by_code"] = {};
    for (const f of failures) {
      const code = f.dimensions?.[FAILURE_CODE_DIMENSION];
      if (code && isJobErrorCode(code)) byCode[code] = (byCode[code] ?? 0) + f.value;
    }
    const now = this.clock.now().getTime();
    return {
      requests: {
        p50_ms: percentile(durations, 50),
        p95_ms: percentile(durations, 95),
        count: durations.length,
      },
      jobs: {
        p50_s: percentile(jobSeconds, 50),
        p95_s: percentile(jobSeconds, 95),
        completed: jobSeconds.length,
        failed: failures.reduce((sum, f) => sum + f.value, 0),
        failures_by_code: byCode,
      },
      active_jobs: inWindow("activeJobs", now - ACTIVE_WINDOW_MS, now).reduce((n, s) => n + s.value, 0),
    };
  }
}
