import { randomUUID } from "node:crypto";
import type { MiddlewareObj, Request } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { Log } from "../../core/ports/log.js";
import type { Metrics } from "../../core/ports/metrics.js";
import type { ApiEvent } from "../api-event.js";
import type { ApiRequest } from "../api-request.js";

/**
 * Outermost middleware: gives the request its id and the routes their view of it, then stamps
 * `x-request-id` on every response (errors included) and logs one line per request. The line
 * holds no body, headers, key or URL: they may carry secrets or presigned links. The same duration
 * goes to the RequestDuration metric.
 */
export function requestContext(log: Log, metrics: Metrics): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  const finish = (request: Request<ApiEvent, APIGatewayProxyResult>) => {
    const api = request.event.api;
    const response = request.response;
    if (!api || !response) return;
    response.headers = { ...response.headers, "x-request-id": api.requestId };
    const jobIds = jobIdsOf(api, response);
    const durationMs = performance.now() - api.startedAt;
    metrics.record("requestDuration", durationMs);
    metrics.flush();
    log.info("request", {
      method: api.method,
      route: request.event.route?.pattern ?? "unmatched",
      status: response.statusCode,
      duration_ms: Math.round(durationMs),
      request_id: api.requestId,
      ...(jobIds.length === 1 ? { job_id: jobIds[0] } : jobIds.length > 1 ? { job_ids: jobIds } : {}),
    });
  };
  return {
    before: (request) => {
      const event = request.event as APIGatewayProxyEvent;
      request.event = { ...event, api: toApiRequest(event) };
    },
    after: finish,
    onError: finish,
  };
}

const JOB_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/**
 * The job(s) a request was about, so one search finds its API line and its render lines: the
 * `{id}` of the path, or the ids a create (202) answered with. Only ULID-shaped values are kept.
 */
function jobIdsOf(api: ApiRequest, response: APIGatewayProxyResult): string[] {
  const fromPath = api.params.id;
  if (fromPath) return JOB_ID.test(fromPath) ? [fromPath.toUpperCase()] : [];
  if (response.statusCode !== 202 || api.method !== "POST") return [];
  try {
    const body = JSON.parse(response.body) as { id?: unknown; job_id?: unknown; jobs?: { id?: unknown }[] };
    const ids = body.jobs ? body.jobs.map((j) => j.id) : [body.id ?? body.job_id];
    return ids.filter((id): id is string => typeof id === "string" && JOB_ID.test(id));
  } catch {
    return [];
  }
}

function toApiRequest(event: APIGatewayProxyEvent): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const path = (event.path ?? "/").replace(/(.)\/+$/, "$1");
  const fullPath = event.requestContext?.path ?? "";
  const basePath =
    fullPath.length > path.length && fullPath.endsWith(path) ? fullPath.slice(0, -path.length) : "";
  return {
    requestId: event.requestContext?.requestId || randomUUID(),
    method: (event.httpMethod ?? "GET").toUpperCase(),
    path,
    headers,
    query,
    basePath,
    startedAt: performance.now(),
    params: {},
  };
}
