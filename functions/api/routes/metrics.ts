import { getMetricsSummary, metricsSummarySchema } from "../../core/metrics/get-metrics-summary.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";

/** Figures are minutes old on AWS (EMF ingestion). */
export const metricsRoute = defineRoute({
  method: "GET",
  path: "/v1/metrics",
  aliases: ["/api/v1/metrics"],
  doc: {
    tag: "meta",
    summary: "Request duration and job seconds p50/p95, active and queued jobs, failures by code",
    parameters: [
      {
        name: "period",
        in: "query",
        schema: { type: "string", pattern: "^\\d{1,6}[mhd]$", default: "1h" },
        description: "how far back: 15m, 1h, 24h, 7d (1m to 14d)",
      },
    ],
    responses: { 200: { description: "the figures", body: metricsSummarySchema } },
    errors: { 400: "VALIDATION_FAILED: the period is not 1m to 14d" },
  },
  handle: async (req, deps) =>
    json(200, await getMetricsSummary(deps, { period: req.query.period }), { "cache-control": "no-store" }),
});
