import { getMetricsSummary } from "../../core/metrics/get-metrics-summary.js";
import { json } from "../http-response.js";
import type { RouteHandler } from "../router.js";

/** `GET /v1/metrics?period=1h` (SPEC §4). Figures are minutes old on AWS (EMF ingestion). */
export const metricsRoute: RouteHandler = async (req, deps) =>
  json(200, await getMetricsSummary(deps, { period: req.query.period }), { "cache-control": "no-store" });
