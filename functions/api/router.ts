import type { APIGatewayProxyResult } from "aws-lambda";
import type { ApiDeps } from "./api-deps.js";
import type { ApiRequest } from "./api-request.js";
import { cancelJobRoute } from "./routes/cancel-job.js";
import { createVideosRoute } from "./routes/create-videos.js";
import { deleteVideoRoute } from "./routes/delete-video.js";
import { getJobRoute } from "./routes/get-job.js";
import { getVideoRoute } from "./routes/get-video.js";
import { healthRoute } from "./routes/health.js";
import { listJobsRoute } from "./routes/list-jobs.js";
import { metricsRoute } from "./routes/metrics.js";
import { openApiRoute } from "./routes/openapi.js";
import { schemaRoute } from "./routes/schema.js";

export type RouteHandler = (req: ApiRequest, deps: ApiDeps) => Promise<APIGatewayProxyResult>;

export interface RouteDef {
  method: string;
  /** `/v1/jobs/{id}`: logged as is, so per-route metrics don't explode on ids. */
  pattern: string;
  handle: RouteHandler;
  /** Answered without an API key (health checks). */
  public?: boolean;
  /** The route reads a JSON body (size-capped and parsed before the handler runs). */
  json?: boolean;
}

type Options = Pick<RouteDef, "public" | "json">;

// Every route lives under /v1 and, for VideoCraft clients, /api/v1.
const both = (method: string, path: string, handle: RouteHandler, options: Options = {}): RouteDef[] =>
  ["/v1", "/api/v1"].map((base) => ({ method, pattern: base + path, handle, ...options }));

export const ROUTES: readonly RouteDef[] = [
  ...both("POST", "/videos", createVideosRoute, { json: true }),
  ...both("GET", "/videos/{id}", getVideoRoute),
  ...both("DELETE", "/videos/{id}", deleteVideoRoute),
  ...both("GET", "/jobs", listJobsRoute),
  ...both("GET", "/jobs/{id}", getJobRoute),
  ...both("DELETE", "/jobs/{id}", cancelJobRoute),
  ...both("GET", "/health", healthRoute, { public: true }),
  ...both("GET", "/schema", schemaRoute),
  ...both("GET", "/metrics", metricsRoute),
  ...both("GET", "/openapi.json", openApiRoute, { public: true }),
  // VideoCraft's own paths, kept so its clients work unchanged.
  { method: "POST", pattern: "/api/v1/generate-video", handle: createVideosRoute, json: true },
  { method: "GET", pattern: "/api/v1/jobs/{id}/status", handle: getJobRoute },
  { method: "GET", pattern: "/api/v1/download/{id}", handle: getVideoRoute },
];

export type RouteMatch =
  | { kind: "found"; route: RouteDef; params: Record<string, string> }
  | { kind: "wrong-method"; allow: string[] }
  | { kind: "none" };

export function matchRoute(method: string, path: string, routes: readonly RouteDef[] = ROUTES): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (!params) continue;
    if (route.method === method) return { kind: "found", route, params };
    if (!allow.includes(route.method)) allow.push(route.method);
  }
  return allow.length > 0 ? { kind: "wrong-method", allow } : { kind: "none" };
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? "";
    if (part.startsWith("{") && part.endsWith("}")) {
      if (actual === "") return undefined;
      params[part.slice(1, -1)] = safeDecode(actual);
    } else if (part !== actual) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
