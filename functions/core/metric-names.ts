/**
 * The CloudWatch metrics both functions emit in Embedded Metric Format, and that the CDK alarms and
 * dashboard read. One list so an emitter and an alarm cannot disagree on a name or a unit.
 *
 * Contract for emitters (the alarms rely on it):
 * - no dimensions, except `JobFailures`, which is emitted with the dimension sets `[["Code"], []]`
 *   so both the per-code series (dashboard) and the total (failure-rate alarm) exist — CloudWatch
 *   alarms cannot sum across dimension values with SEARCH;
 * - `JobSeconds` once per completed job, `JobFailures` once per failed job, so their sample counts add
 *   up to the finished jobs.
 */
/** Local mode and the default of VIDEOCRAFT_METRIC_NAMESPACE. */
export const METRIC_NAMESPACE = "VideoCraft";

export const METRICS = {
  /** Wall-clock seconds from dequeue to the uploaded MP4 of a completed job. */
  jobSeconds: { name: "JobSeconds", unit: "Seconds" },
  /** API request handling time. */
  requestDuration: { name: "RequestDuration", unit: "Milliseconds" },
  /**
   * Render invocations busy: 1 at the start of each and once a minute while it runs
   * (functions/render/record-job-metrics.ts), so the Sum per minute is the concurrency.
   */
  activeJobs: { name: "ActiveJobs", unit: "Count" },
  /** One per failed job, dimension `Code` = the job failure code (`JobFailureCode`). */
  jobFailures: { name: "JobFailures", unit: "Count" },
  /** Output frames (duration × fps) per second of the job's wall-clock time, once per completed job. */
  renderFps: { name: "RenderFps", unit: "Count/Second" },
} as const;

/** Dimension of `JobFailures`. */
export const FAILURE_CODE_DIMENSION = "Code";

export type MetricKey = keyof typeof METRICS;

/**
 * The namespace a deployed stack's functions write to and its alarms read (injected as
 * VIDEOCRAFT_METRIC_NAMESPACE), so two stacks in one account and region never mix their figures.
 */
export function metricNamespaceFor(stackName: string): string {
  return `${METRIC_NAMESPACE}/${stackName}`;
}
