import type { MetricKey } from "../metric-names.js";

/**
 * Where the functions send the figures of functions/core/metric-names.ts. Only contract metrics can
 * be recorded, so a name or unit cannot drift from what the alarms and dashboard read. EMF on AWS
 * (adapters/emf-metrics.ts); kept in process locally (ports/in-process-metrics.ts).
 */
export interface Metrics {
  /**
   * Buffers one value. With `dimensions`, the value is published both per those dimensions and as
   * the undimensioned total (JobFailures: dimension sets `[["Code"], []]`).
   */
  record(metric: MetricKey, value: number, dimensions?: Readonly<Record<string, string>>): void;
  /** Publishes everything buffered (EMF: log lines on stdout, which CloudWatch turns into metrics). */
  flush(): void;
}

export const noMetrics: Metrics = { record() {}, flush() {} };
