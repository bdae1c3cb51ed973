/**
 * The OpenAPI 3.1 description of the HTTP API (SPEC §4), built from the router's route table and
 * the same zod schema that validates request bodies (`requestJsonSchema()`), so paths and the
 * request body cannot drift from what the API does. Response shapes are written once below.
 * Served at `GET /v1/openapi.json` (public, like health: it is the published contract).
 */
import { JOB_STATUSES, JOB_STEPS } from "../core/jobs/job-record.js";
import { requestJsonSchema } from "../core/schema/request-json-schema.js";
import type { RouteDef, RouteHandler } from "./router.js";
import { cancelJobRoute } from "./routes/cancel-job.js";
import { createVideosRoute } from "./routes/create-videos.js";
import { deleteVideoRoute } from "./routes/delete-video.js";
import { getJobRoute } from "./routes/get-job.js";
import { getVideoRoute } from "./routes/get-video.js";
import { healthRoute } from "./routes/health.js";
import { listJobsRoute } from "./routes/list-jobs.js";
import { metricsRoute } from "./routes/metrics.js";
import { schemaRoute } from "./routes/schema.js";

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const API_ERROR_CODES = [
  "INVALID_JSON",
  "VALIDATION_FAILED",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL",
];
const JOB_FAILURE_CODES = [
  "SOURCE_UNREACHABLE",
  "SOURCE_FORBIDDEN",
  "SOURCE_TOO_LARGE",
  "SOURCE_INVALID_MEDIA",
  "TRANSCRIPTION_FAILED",
  "RENDER_FAILED",
  "TIMEOUT",
  "CANCELLED",
  "INTERNAL",
];

const dateTime = { type: "string", format: "date-time" };
const nullableNumber = { type: ["number", "null"], description: "null when nothing was recorded" };
const jobError = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string", enum: JOB_FAILURE_CODES }, message: { type: "string" } },
};

/** Response and shared schemas (the request body comes from the validator's schema). */
function componentSchemas(): Record<string, Json> {
  return {
    VideoRequest: rebaseRefs(requestBody(), "#/components/schemas/VideoRequest"),
    JobCreated: {
      type: "object",
      required: ["id", "job_id", "status", "status_url", "created_at"],
      properties: {
        id: { type: "string", description: "ULID" },
        job_id: { type: "string", description: "the same as id (VideoCraft clients read job_id)" },
        status: { const: "queued" },
        status_url: { type: "string", description: "path of the job's status, including the stage" },
        created_at: dateTime,
      },
    },
    JobsCreated: {
      type: "object",
      required: ["jobs"],
      properties: { jobs: { type: "array", items: ref("JobCreated") } },
    },
    Job: {
      type: "object",
      required: ["id", "status", "progress", "step", "created_at", "warnings"],
      properties: {
        id: { type: "string" },
        status: { type: "string", enum: JOB_STATUSES },
        progress: { type: "integer", minimum: 0, maximum: 100, description: "never decreases" },
        step: { type: "string", enum: JOB_STEPS },
        created_at: dateTime,
        started_at: dateTime,
        finished_at: dateTime,
        duration_seconds: { type: "number" },
        error: jobError,
        warnings: { type: "array", items: { type: "string" } },
        video_url: { type: "string", format: "uri", description: "presigned; completed jobs only" },
        expires_at: dateTime,
        webhook: {
          type: "object",
          description: "how the job's webhook delivery ended",
          required: ["delivered", "attempts"],
          properties: {
            delivered: { type: "boolean" },
            attempts: { type: "integer", minimum: 0 },
            last_status: { type: "integer" },
          },
        },
      },
    },
    JobList: {
      type: "object",
      required: ["jobs"],
      properties: {
        jobs: { type: "array", items: ref("Job") },
        next_cursor: { type: "string", description: "pass as cursor for the next page; absent on the last" },
      },
    },
    VideoLink: {
      type: "object",
      required: ["url", "expires_at"],
      properties: { url: { type: "string", format: "uri" }, expires_at: dateTime },
    },
    DryRun: {
      type: "object",
      required: ["dry_run", "projects"],
      properties: {
        dry_run: { const: true },
        projects: {
          type: "array",
          items: {
            type: "object",
            required: ["project", "total_duration_seconds", "scenes", "estimate", "sources", "problems"],
            properties: {
              project: { type: "object", description: "the normalised project as it would be stored" },
              total_duration_seconds: { type: "number" },
              scenes: {
                type: "array",
                items: {
                  type: "object",
                  required: ["id", "duration_seconds"],
                  properties: { id: { type: "string" }, duration_seconds: { type: ["number", "null"] } },
                },
              },
              estimate: {
                type: "object",
                required: ["render_seconds", "cost_usd", "model"],
                properties: {
                  render_seconds: { type: "number" },
                  cost_usd: { type: "number" },
                  model: { type: "string" },
                },
              },
              sources: {
                type: "array",
                description:
                  "each distinct src, probed from its first ~1 MiB (ranged GET through the SSRF-safe fetcher, ranged S3 read, or the local file)",
                items: {
                  type: "object",
                  required: [
                    "src",
                    "paths",
                    "status",
                    "size_bytes",
                    "bytes_read",
                    "duration_seconds",
                    "has_video",
                    "has_audio",
                    "width",
                    "height",
                  ],
                  properties: {
                    src: { type: "string", description: "without query string or credentials" },
                    paths: {
                      type: "array",
                      items: { type: "string" },
                      examples: [["scenes[0].elements[1].src"]],
                    },
                    status: { enum: ["probed", "failed", "not_probed"] },
                    size_bytes: { type: ["integer", "null"] },
                    bytes_read: { type: "integer" },
                    duration_seconds: { type: ["number", "null"] },
                    has_video: { type: ["boolean", "null"] },
                    has_audio: { type: ["boolean", "null"] },
                    width: { type: ["integer", "null"] },
                    height: { type: ["integer", "null"] },
                    note: { type: "string" },
                  },
                },
              },
              problems: {
                type: "array",
                description:
                  "what the job would fail with (the status stays 200: a dry run is an estimate, not a submission)",
                items: {
                  type: "object",
                  required: ["path", "code", "message"],
                  properties: {
                    path: { type: "string", examples: ["scenes[0].elements[1].src"] },
                    code: {
                      enum: [
                        "SOURCE_UNREACHABLE",
                        "SOURCE_FORBIDDEN",
                        "SOURCE_TOO_LARGE",
                        "SOURCE_INVALID_MEDIA",
                      ],
                    },
                    message: { type: "string" },
                  },
                },
              },
              notes: { type: "array", items: { type: "string" } },
            },
          },
        },
      },
    },
    Metrics: {
      type: "object",
      description:
        "Figures over the period: from CloudWatch (the EMF metrics, a minute or two behind) on AWS, from the process locally.",
      required: ["period", "from", "to", "requests", "jobs", "active_jobs", "queued_jobs"],
      properties: {
        period: { type: "string", examples: ["1h"] },
        from: dateTime,
        to: dateTime,
        requests: {
          type: "object",
          required: ["p50_ms", "p95_ms", "count"],
          properties: {
            p50_ms: nullableNumber,
            p95_ms: nullableNumber,
            count: { type: "integer", minimum: 0 },
          },
        },
        jobs: {
          type: "object",
          required: ["p50_s", "p95_s", "completed", "failed", "failures_by_code"],
          properties: {
            p50_s: nullableNumber,
            p95_s: nullableNumber,
            completed: { type: "integer", minimum: 0 },
            failed: { type: "integer", minimum: 0 },
            failures_by_code: {
              type: "object",
              propertyNames: { enum: JOB_FAILURE_CODES },
              additionalProperties: { type: "integer", minimum: 1 },
            },
          },
        },
        active_jobs: {
          type: "integer",
          minimum: 0,
          description: "render invocations busy in the last minute",
        },
        queued_jobs: {
          type: "integer",
          minimum: 0,
          description: "messages waiting in the render queue (a fanned-out job's scenes count separately)",
        },
      },
    },
    Health: {
      type: "object",
      required: ["status", "version"],
      properties: { status: { const: "ok" }, version: { type: "string" } },
    },
    Error: {
      type: "object",
      required: ["error"],
      properties: {
        error: {
          type: "object",
          required: ["code", "message", "request_id"],
          properties: {
            code: { type: "string", enum: API_ERROR_CODES },
            message: { type: "string" },
            details: {
              type: "array",
              items: {
                type: "object",
                required: ["path", "message"],
                properties: { path: { type: "string" }, message: { type: "string" } },
              },
            },
            request_id: { type: "string" },
          },
        },
      },
    },
    WebhookPayload: {
      type: "object",
      description:
        "POSTed to the project's webhook.url when a job ends. X-VideoCraft-Signature: sha256=<hex HMAC-SHA256 of " +
        "the raw body keyed with webhook.secret> (absent without a secret); X-VideoCraft-Event: job.<status>; " +
        "X-VideoCraft-Delivery: a UUID shared by every retry; X-VideoCraft-Timestamp: unix seconds.",
      required: ["id", "status"],
      properties: {
        id: { type: "string" },
        status: { type: "string", enum: ["completed", "failed", "cancelled"] },
        video_url: { type: "string", format: "uri" },
        expires_at: dateTime,
        error: jobError,
      },
    },
  };
}

function requestBody(): Json {
  const { $schema: _dialect, ...schema } = requestJsonSchema();
  return schema;
}

/** A schema's internal `#/$defs/…` refs, re-pointed at where it sits inside this document. */
function rebaseRefs(schema: Json, at: string): Json {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${at}/${v.slice(2)}` : walk(v),
      ]),
    );
  };
  return walk(schema) as Json;
}

const jsonContent = (schema: Json) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({ description, content: jsonContent(ref("Error")) });
const idParam = {
  name: "id",
  in: "path",
  required: true,
  description: "job id (ULID)",
  schema: { type: "string" },
};

interface OperationSpec {
  tag: string;
  summary: string;
  description?: string;
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

const COMMON_ERRORS = {
  "401": errorResponse("no or wrong API key"),
  "429": errorResponse("throttled (Retry-After)"),
  "500": errorResponse("internal error"),
};

/**
 * One entry per route handler; aliases (`/api/v1/…`, VideoCraft's own paths) share theirs.
 * Built on first use. The document's own route is recognised by its path instead (importing
 * its module here would make an import cycle through the router).
 */
let operations: Map<RouteHandler, OperationSpec> | undefined;
const operationSpecs = () =>
  (operations ??= new Map<RouteHandler, OperationSpec>([
    [
      createVideosRoute,
      {
        tag: "videos",
        summary: "Create render jobs (one per project), or validate and estimate with dry_run",
        parameters: [
          {
            name: "dry_run",
            in: "query",
            schema: { type: "string", enum: ["true", "false", "1", "0", ""] },
            description: "validate and estimate; nothing is stored or queued",
          },
          {
            name: "Idempotency-Key",
            in: "header",
            schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
            description: "a repeat with the same key and body returns the same job(s)",
          },
        ],
        requestBody: { required: true, content: jsonContent(ref("VideoRequest")) },
        responses: {
          "200": { description: "dry run result", content: jsonContent(ref("DryRun")) },
          "202": {
            description: "queued; an array body answers {jobs:[…]}",
            headers: { Location: { schema: { type: "string" } } },
            content: jsonContent({ oneOf: [ref("JobCreated"), ref("JobsCreated")] }),
          },
          "400": errorResponse("INVALID_JSON or VALIDATION_FAILED, with details[].path"),
          "413": errorResponse("body over 1 MiB"),
          "415": errorResponse("not application/json"),
          "422": errorResponse("VALIDATION_FAILED"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      getJobRoute,
      {
        tag: "jobs",
        summary: "A job's status, progress and (when completed) a presigned video link",
        parameters: [idParam],
        responses: {
          "200": { description: "the job", content: jsonContent(ref("Job")) },
          "404": errorResponse("unknown job"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      listJobsRoute,
      {
        tag: "jobs",
        summary: "Jobs, newest first, with cursor pagination",
        parameters: [
          { name: "status", in: "query", schema: { type: "string", enum: JOB_STATUSES } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          { name: "cursor", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": { description: "a page of jobs", content: jsonContent(ref("JobList")) },
          "400": errorResponse("invalid query parameters"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      cancelJobRoute,
      {
        tag: "jobs",
        summary: "Cancel a queued or processing job",
        parameters: [idParam],
        responses: {
          "202": { description: "cancellation requested", content: jsonContent(ref("Job")) },
          "404": errorResponse("unknown job"),
          "409": errorResponse("the job already finished"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      getVideoRoute,
      {
        tag: "videos",
        summary: "Redirect to the MP4's presigned URL (JSON {url, expires_at} with Accept: application/json)",
        parameters: [idParam],
        responses: {
          "200": {
            description: "the link (Accept: application/json)",
            content: jsonContent(ref("VideoLink")),
          },
          "302": {
            description: "redirect to the presigned URL",
            headers: { Location: { schema: { type: "string" } } },
          },
          "404": errorResponse("unknown job, or its video was deleted or expired"),
          "409": errorResponse("the job is not completed"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      deleteVideoRoute,
      {
        tag: "videos",
        summary: "Delete a finished job's MP4 and poster",
        parameters: [idParam],
        responses: {
          "204": { description: "deleted (repeating it is harmless)" },
          "404": errorResponse("unknown job"),
          "409": errorResponse("the job is still queued or processing"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      healthRoute,
      {
        tag: "meta",
        summary: "Liveness and version (no auth)",
        responses: { "200": { description: "ok", content: jsonContent(ref("Health")) } },
      },
    ],
    [
      metricsRoute,
      {
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
        responses: {
          "200": { description: "the figures", content: jsonContent(ref("Metrics")) },
          "400": errorResponse("VALIDATION_FAILED: the period is not 1m to 14d"),
          ...COMMON_ERRORS,
        },
      },
    ],
    [
      schemaRoute,
      {
        tag: "meta",
        summary: "The JSON Schema (draft 2020-12) of a request body",
        responses: {
          "200": { description: "the schema", content: jsonContent({ type: "object" }) },
          ...COMMON_ERRORS,
        },
      },
    ],
  ]));

const OPENAPI_SPEC: OperationSpec = {
  tag: "meta",
  summary: "This OpenAPI 3.1 document (no auth)",
  responses: { "200": { description: "the document", content: jsonContent({ type: "object" }) } },
};

/** `post_v1_videos`, `get_api_v1_jobs_id_status`, … unique per method and path. */
function operationId(route: RouteDef): string {
  const slug = route.pattern
    .split("/")
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, "_"))
    .join("_");
  return `${route.method.toLowerCase()}_${slug}`;
}

/** Builds the document for the given route table (the router's, when served). */
export function buildOpenApiDocument(routes: readonly RouteDef[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const spec = route.pattern.endsWith("/openapi.json") ? OPENAPI_SPEC : operationSpecs().get(route.handle);
    const operation: Json = {
      operationId: operationId(route),
      tags: [spec?.tag ?? "other"],
      summary: spec?.summary ?? `${route.method} ${route.pattern}`,
      ...(spec?.description ? { description: spec.description } : {}),
      ...(spec?.parameters ? { parameters: spec.parameters } : {}),
      ...(spec?.requestBody ? { requestBody: spec.requestBody } : {}),
      responses: spec?.responses ?? { default: errorResponse("see the API documentation") },
      ...(route.public ? { security: [] } : {}),
      ...(spec ? {} : { "x-undocumented": true }),
    };
    paths[route.pattern] = { ...paths[route.pattern], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "VideoCraft Serverless API",
      version,
      description:
        "JSON scenes to MP4. Every route is served under /v1 and, for VideoCraft clients, /api/v1. " +
        "Server URLs include the deployment's stage (e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod).",
    },
    servers: [
      {
        url: "{base}",
        variables: {
          base: { default: "http://127.0.0.1:8080", description: "API base URL including the stage" },
        },
      },
    ],
    tags: [
      { name: "videos", description: "create renders and fetch their output" },
      { name: "jobs", description: "job status, listing and cancellation" },
      { name: "meta", description: "health, schemas" },
    ],
    security: [{ apiKey: [] }, { bearer: [] }],
    paths,
    webhooks: {
      jobFinished: {
        post: {
          summary:
            "Sent to the project's webhook.url when a job completes, fails or is cancelled by a worker",
          requestBody: { required: true, content: jsonContent(ref("WebhookPayload")) },
          responses: { "200": { description: "any 2xx acknowledges; others are retried with backoff" } },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        bearer: { type: "http", scheme: "bearer", description: "the API key as a bearer token" },
      },
      schemas: componentSchemas(),
    },
  };
}
