import type { APIGatewayProxyResult } from "aws-lambda";
import { z } from "zod";
import type { CreateJobsResult } from "../../core/jobs/create-jobs.js";
import { dryRun, dryRunResultSchema } from "../../core/jobs/dry-run.js";
import { requestJsonSchema } from "../../core/schema/request-json-schema.js";
import { dateTimeField } from "../../core/schema/response-formats.js";
import { createTemplateJobs } from "../../core/templates/create-template-jobs.js";
import { expandRequest } from "../../core/templates/expand-request.js";
import { ApiError } from "../api-error.js";
import { type ApiRequest, callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { IDEMPOTENCY_KEY, idempotencyKeyOf } from "../idempotency-key.js";

export const jobCreatedSchema = z
  .object({
    id: z.string().meta({ description: "ULID" }),
    job_id: z.string().meta({ description: "the same as id (VideoCraft clients read job_id)" }),
    status: z.literal("queued"),
    status_url: z.string().meta({ description: "path of the job's status, including the stage" }),
    created_at: dateTimeField(),
    row: z.number().int().optional().meta({ description: "the data row the job renders (a template batch)" }),
  })
  .meta({ id: "JobCreated" });
export type JobCreated = z.infer<typeof jobCreatedSchema>;

export const jobsCreatedSchema = z.object({ jobs: z.array(jobCreatedSchema) }).meta({ id: "JobsCreated" });

/** One job per project; VideoCraft's own create (one job per request) is routes/videocraft/create-video.ts. */
export const createVideosRoute = defineRoute({
  method: "POST",
  path: "/v1/videos",
  json: true,
  doc: {
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
        schema: { type: "string", pattern: IDEMPOTENCY_KEY.source },
        description: "a repeat with the same key and body returns the same job(s)",
      },
    ],
    requestBody: { component: "VideoRequest", jsonSchema: requestJsonSchema },
    responses: {
      200: { description: "dry run result", body: dryRunResultSchema },
      202: {
        description: "queued; an array body answers {jobs:[…]}",
        headers: { Location: "the job's status_url (single project only)" },
        body: [jobCreatedSchema, jobsCreatedSchema],
      },
    },
    errors: {
      400: "INVALID_JSON or VALIDATION_FAILED, with details[].path",
      409: "the Idempotency-Key was used with a different body",
      413: "body over 1 MiB",
      415: "not application/json",
      422: "VALIDATION_FAILED",
    },
  },
  handle: async (req, deps) => {
    const body = req.body ?? { text: "", json: undefined };
    if (dryRunRequested(req)) {
      // 200 even when `problems` lists failures: a dry run is an estimate, not a submission.
      const expanded = expandRequest(body.json, { maxRows: deps.config.maxProjectsPerRequest });
      const projects = expanded.kind === "single" ? expanded.body : expanded.rows.map((r) => r.body);
      return json(200, await dryRun(projects, deps.config, deps.probeSources));
    }
    const idempotencyKey = idempotencyKeyOf(req);
    const result = await createTemplateJobs(deps, {
      body: body.json,
      rawBody: body.text,
      principal: callerOf(req).principal,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    return createdResponse(req, result);
  },
});

/** 202 with the job (its status_url also in Location), or `{jobs}` for a batch. */
export function createdResponse(req: ApiRequest, result: CreateJobsResult): APIGatewayProxyResult {
  const jobs = result.jobs.map(
    (job): JobCreated => ({
      id: job.id,
      job_id: job.id,
      status: "queued",
      status_url: `${req.basePath}/v1/jobs/${job.id}`,
      created_at: job.created_at,
      ...(job.row !== undefined ? { row: job.row } : {}),
    }),
  );
  const headers: Record<string, string> = result.replayed ? { "idempotent-replayed": "true" } : {};
  if (result.batch) return json(202, { jobs }, headers);
  const [job] = jobs;
  return json(202, job, { ...headers, Location: job?.status_url ?? "" });
}

function dryRunRequested(req: ApiRequest): boolean {
  const v = req.query.dry_run;
  if (v === undefined || v === "false" || v === "0") return false;
  if (v === "" || v === "true" || v === "1") return true;
  throw new ApiError(400, "VALIDATION_FAILED", "invalid query parameters", [
    { path: "dry_run", message: "dry_run must be true or false" },
  ]);
}
