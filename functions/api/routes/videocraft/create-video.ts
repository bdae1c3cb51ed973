import { z } from "zod";
import { createJobs } from "../../../core/jobs/create-jobs.js";
import { videoCraftPaths } from "../../../core/jobs/videocraft-job-view.js";
import { requestJsonSchema } from "../../../core/schema/request-json-schema.js";
import { dateTimeField } from "../../../core/schema/response-formats.js";
import { callerOf } from "../../api-request.js";
import { json } from "../../http-response.js";
import { idempotencyKeyOf } from "../../idempotency-key.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

const createdFields = {
  job_id: z.string(),
  status: z.literal("pending"),
  created_at: dateTimeField(),
  status_url: z.string().meta({ description: "path of the job's status, including the stage" }),
};

export const videoCraftJobCreatedSchema = z
  .object({
    success: z.literal(true),
    ...createdFields,
    video_id: z.string().meta({ description: "the id /api/v1/videos/{id} takes once the job completed" }),
    message: z.string(),
    data: z.object({ ...createdFields, progress: z.literal(0) }),
    request_id: z.string(),
  })
  .meta({ id: "VideoCraftJobCreated" });
export type VideoCraftJobCreated = z.infer<typeof videoCraftJobCreatedSchema>;

/**
 * VideoCraft's create: one project or an array of them makes ONE job, as its handler does (it
 * renders the array's first project); unknown keys are dropped with a job warning instead of
 * refused. `POST /v1/videos` is the strict route that makes a job per project.
 */
export const videoCraftCreateVideoRoute = defineVideoCraftRoute({
  method: "POST",
  path: "/api/v1/videos",
  aliases: ["/api/v1/generate-video"],
  json: true,
  doc: {
    summary: "Create one video job (VideoCraft): an array of projects renders its first project",
    description:
      "Unknown keys are dropped and named in the job's warnings; projects after the first are validated and named in a warning.",
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        schema: { type: "string" },
        description: "a repeat with the same key and body returns the same job",
      },
    ],
    requestBody: { component: "VideoRequest", jsonSchema: requestJsonSchema },
    responses: { 202: { description: "queued", body: videoCraftJobCreatedSchema } },
    errors: {
      400: "INVALID_JSON, VALIDATION_ERROR (details name each path), INVALID_CONTENT_TYPE",
      403: "CSRF_TOKEN_MISSING or CSRF_TOKEN_INVALID (when CSRF is enabled)",
      409: "the Idempotency-Key was used with a different body",
      413: "REQUEST_TOO_LARGE: body over 1 MiB",
    },
  },
  handle: async (req, deps) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const result = await createJobs(deps, {
      body: req.body?.json,
      rawBody: req.body?.text ?? "",
      principal: callerOf(req).principal,
      dialect: "videocraft",
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    const [job] = result.jobs;
    if (!job) throw new Error("createJobs made no job");
    const created = {
      job_id: job.id,
      status: "pending" as const,
      created_at: job.created_at,
      status_url: videoCraftPaths(req.basePath, job.id).status,
    };
    const body: VideoCraftJobCreated = {
      success: true,
      ...created,
      video_id: job.id,
      message: "Video generation started",
      data: { ...created, progress: 0 },
      request_id: req.requestId,
    };
    return json(202, body, result.replayed ? { "idempotent-replayed": "true" } : {});
  },
});
