import { json } from "../http-response.js";
import type { RouteHandler } from "../router.js";

/** `GET /v1/health`: no auth and no storage call, so load balancers and uptime checks stay cheap. */
export const healthRoute: RouteHandler = async (_req, deps) =>
  json(200, { status: "ok", version: deps.config.version });
