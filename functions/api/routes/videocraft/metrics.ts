import { z } from "zod";
import type { MetricFigures } from "../../../core/ports/metrics-reader.js";
import { dateTimeField } from "../../../core/schema/response-formats.js";
import type { ApiDeps } from "../../api-deps.js";
import { json } from "../../http-response.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

const PERIOD_MS = 24 * 3600_000;
/**
 * The route needs no key (as VideoCraft's), and on AWS its figures come from CloudWatch, which
 * bills each read: one read per minute per API instance, however often it is scraped.
 */
const CACHE_MS = 60_000;
const STARTED_AT = Date.now();

interface Snapshot {
  at: number;
  figures: MetricFigures;
  queued: number;
}
const cache = new WeakMap<ApiDeps, Snapshot>();

async function snapshot(deps: ApiDeps): Promise<Snapshot> {
  const now = deps.clock.now().getTime();
  const cached = cache.get(deps);
  if (cached && now - cached.at < CACHE_MS) return cached;
  const [figures, queued] = await Promise.all([
    deps.metricsReader.read({ start: new Date(now - PERIOD_MS), end: new Date(now) }),
    deps.queueDepth.waitingMessages(),
  ]);
  const fresh = { at: now, figures, queued };
  cache.set(deps, fresh);
  return fresh;
}

export const videoCraftMetricsSchema = z
  .object({
    timestamp: dateTimeField(),
    period: z.literal("24h").meta({ description: "the window the job and request counts cover" }),
    uptime_seconds: z.number(),
    memory_alloc_bytes: z.number().int(),
    memory_total_alloc_bytes: z.number().int(),
    memory_sys_bytes: z.number().int(),
    jobs_total: z.number().int(),
    jobs_active: z.number().int(),
    jobs_completed: z.number().int(),
    jobs_failed: z.number().int(),
    jobs_queued: z.number().int(),
    requests_total: z.number().int(),
  })
  .meta({ id: "VideoCraftMetrics" });
type VideoCraftMetrics = z.infer<typeof videoCraftMetricsSchema>;

/** Prometheus' text exposition format, for a scraper that asks for it. */
function prometheusText(m: VideoCraftMetrics, f: MetricFigures): string {
  const value = (v: number | null) => (v === null ? "NaN" : String(v));
  const gauge = (name: string, help: string, samples: [string, number | null][]) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...samples.map(([labels, v]) => `${name}${labels} ${value(v)}`),
  ];
  return `${[
    ...gauge("videocraft_jobs_total", "Jobs that ended in the last 24 hours, by status", [
      ['{status="completed"}', m.jobs_completed],
      ['{status="failed"}', m.jobs_failed],
    ]),
    ...gauge("videocraft_jobs_active", "Render invocations busy in the last minute", [["", m.jobs_active]]),
    ...gauge("videocraft_jobs_queued", "Render messages waiting in the queue", [["", m.jobs_queued]]),
    ...gauge("videocraft_job_duration_p50_seconds", "Median job duration over the last 24 hours", [
      ["", f.jobs.p50_s],
    ]),
    ...gauge("videocraft_job_duration_p95_seconds", "95th percentile job duration over the last 24 hours", [
      ["", f.jobs.p95_s],
    ]),
    ...gauge("videocraft_api_requests_total", "API requests in the last 24 hours", [["", m.requests_total]]),
    ...gauge("videocraft_api_request_duration_p95_seconds", "95th percentile API request duration", [
      ["", f.requests.p95_ms === null ? null : f.requests.p95_ms / 1000],
    ]),
    ...gauge("process_uptime_seconds", "Seconds since this API process started", [["", m.uptime_seconds]]),
    ...gauge("process_resident_memory_bytes", "Resident memory of this API process", [
      ["", m.memory_sys_bytes],
    ]),
  ].join("\n")}\n`;
}

const wantsPrometheus = (accept: string | undefined) => /text\/plain|openmetrics/i.test(accept ?? "");

/**
 * VideoCraft's code serves JSON here and its docs show Prometheus text: JSON by default, the text
 * format when the client asks for text (as a Prometheus scraper does).
 */
export const videoCraftMetricsRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/metrics",
  public: true,
  doc: {
    summary: "Job and request counts of the last 24 h, queue depth, process memory (VideoCraft; no key)",
    responses: {
      200: {
        description:
          "JSON; Prometheus text format with Accept: text/plain (gauges, since counts cover a window)",
        body: videoCraftMetricsSchema,
      },
    },
  },
  handle: async (req, deps) => {
    const { figures, queued } = await snapshot(deps);
    const memory = process.memoryUsage();
    const m: VideoCraftMetrics = {
      timestamp: deps.clock.now().toISOString(),
      period: "24h",
      uptime_seconds: Math.round((Date.now() - STARTED_AT) / 100) / 10,
      memory_alloc_bytes: memory.heapUsed,
      memory_total_alloc_bytes: memory.heapTotal,
      memory_sys_bytes: memory.rss,
      jobs_total: figures.jobs.completed + figures.jobs.failed,
      jobs_active: figures.active_jobs,
      jobs_completed: figures.jobs.completed,
      jobs_failed: figures.jobs.failed,
      jobs_queued: queued,
      requests_total: figures.requests.count,
    };
    if (!wantsPrometheus(req.headers.accept)) return json(200, m, { "cache-control": "no-store" });
    return {
      statusCode: 200,
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      body: prometheusText(m, figures),
    };
  },
});
