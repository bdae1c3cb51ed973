import { z } from "zod";
import type { Clock } from "../ports/clock.js";
import { type MetricsReader, metricFiguresSchema } from "../ports/metrics-reader.js";
import type { QueueDepth } from "../ports/queue-depth.js";
import { dateTimeField } from "../schema/response-formats.js";
import { parseMetricsPeriod } from "./parse-metrics-period.js";

export const metricsSummarySchema = metricFiguresSchema
  .extend({
    period: z.string().meta({ examples: ["1h"] }),
    from: dateTimeField(),
    to: dateTimeField(),
    queued_jobs: z.number().int().min(0).meta({
      description:
        "messages waiting in the render queue right now: one per job, except a fanned-out job, whose scene segments wait as one message each",
    }),
  })
  .meta({
    id: "Metrics",
    description:
      "Figures over the period: from CloudWatch (the EMF metrics, a minute or two behind) on AWS, from the process locally.",
  });
export type MetricsSummary = z.infer<typeof metricsSummarySchema>;

/** `GET /v1/metrics?period=`: the contract metrics over the period, plus the queue right now. */
export async function getMetricsSummary(
  deps: { metricsReader: MetricsReader; queueDepth: QueueDepth; clock: Clock },
  query: { period?: string | undefined },
): Promise<MetricsSummary> {
  const period = parseMetricsPeriod(query.period);
  const end = deps.clock.now();
  const start = new Date(end.getTime() - period.seconds * 1000);
  const [figures, queued] = await Promise.all([
    deps.metricsReader.read({ start, end }),
    deps.queueDepth.waitingMessages(),
  ]);
  const { requests, jobs } = figures;
  return {
    period: period.text,
    from: start.toISOString(),
    to: end.toISOString(),
    ...figures,
    requests: { ...requests, p50_ms: round(requests.p50_ms, 1), p95_ms: round(requests.p95_ms, 1) },
    jobs: { ...jobs, p50_s: round(jobs.p50_s, 3), p95_s: round(jobs.p95_s, 3) },
    queued_jobs: queued,
  };
}

const round = (value: number | null, digits: number) =>
  value === null ? null : Number(value.toFixed(digits));
