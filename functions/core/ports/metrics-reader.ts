import { z } from "zod";
import { JOB_ERROR_CODES } from "../errors.js";

/** A time window to summarise, `[start, end)`. */
export interface MetricsWindow {
  start: Date;
  end: Date;
}

const percentileField = () => z.number().nullable().meta({ description: "null when nothing was recorded" });
const count = () => z.number().int().min(0);

/** The figures `GET /v1/metrics` reports over a period; percentiles are null when nothing was recorded. */
export const metricFiguresSchema = z.object({
  requests: z.object({ p50_ms: percentileField(), p95_ms: percentileField(), count: count() }),
  jobs: z.object({
    p50_s: percentileField(),
    p95_s: percentileField(),
    completed: count(),
    failed: count(),
    failures_by_code: z.partialRecord(z.enum(JOB_ERROR_CODES), z.number().int().min(1)),
  }),
  active_jobs: count().meta({
    description:
      "render invocations busy in the last minute (ActiveJobs heartbeats, see create-render-handler.ts)",
  }),
});
export type MetricFigures = z.infer<typeof metricFiguresSchema>;

/** Reads the contract metrics back: CloudWatch GetMetricData on AWS, the in-process figures locally. */
export interface MetricsReader {
  read(window: MetricsWindow): Promise<MetricFigures>;
}
