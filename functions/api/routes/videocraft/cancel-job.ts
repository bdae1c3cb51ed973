import { z } from "zod";
import { cancelJobRecord } from "../../../core/jobs/cancel-job.js";
import { getJobRecord } from "../../../core/jobs/get-job-record.js";
import type { JobRecord } from "../../../core/jobs/job-record.js";
import { toVideoCraftStatus, VIDEOCRAFT_STATUSES } from "../../../core/jobs/videocraft-job-view.js";
import { dateTimeField } from "../../../core/schema/response-formats.js";
import type { ApiDeps } from "../../api-deps.js";
import { ApiError } from "../../api-error.js";
import { type ApiRequest, callerOf } from "../../api-request.js";
import { json } from "../../http-response.js";
import { jobIdParam } from "../../job-id-param.js";
import {
  defineVideoCraftRoute,
  JOB_NOT_FOUND,
  type VideoCraftRouteInit,
} from "../../videocraft/define-videocraft-route.js";

const cancelledFields = {
  job_id: z.string(),
  status: z.enum(VIDEOCRAFT_STATUSES).meta({
    description: "cancelled, or still processing until the worker stops at its next check",
  }),
  cancelled_at: dateTimeField().optional(),
};

export const videoCraftCancelledSchema = z
  .object({
    success: z.literal(true),
    message: z.string(),
    ...cancelledFields,
    data: z.object(cancelledFields),
  })
  .meta({ id: "VideoCraftJobCancelled" });
export type VideoCraftCancelled = z.infer<typeof videoCraftCancelledSchema>;

/**
 * VideoCraft refuses to cancel a completed or failed job with its INVALID_INPUT (400); cancelling
 * a cancelled job again is harmless. A processing job stops at the worker's next check, so the
 * answer says so rather than claiming it has already stopped.
 */
async function cancel(req: ApiRequest, deps: ApiDeps) {
  const id = jobIdParam(req);
  const owner = callerOf(req).principal;
  let record: JobRecord = await getJobRecord(id, owner, deps);
  if (record.status === "completed" || record.status === "failed") {
    throw new ApiError(
      400,
      "CONFLICT",
      "cannot cancel completed or failed job",
      undefined,
      undefined,
      "INVALID_INPUT",
    );
  }
  if (record.status !== "cancelled") record = await cancelJobRecord(id, owner, deps);
  const fields = {
    job_id: id,
    status: toVideoCraftStatus(record.status),
    ...(record.status === "cancelled" && record.finished_at ? { cancelled_at: record.finished_at } : {}),
  };
  const body: VideoCraftCancelled = {
    success: true,
    message:
      record.status === "cancelled"
        ? "Job cancelled successfully"
        : "Cancellation requested; the job stops at its next check",
    ...fields,
    data: fields,
  };
  return json(200, body);
}

const doc = (summary: string): VideoCraftRouteInit["doc"] => ({
  summary,
  pathParams: { id: "job_id" },
  responses: { 200: { description: "cancelled or cancelling", body: videoCraftCancelledSchema } },
  errors: {
    400: "INVALID_INPUT: the job already completed or failed",
    403: "CSRF_TOKEN_MISSING or CSRF_TOKEN_INVALID (when CSRF is enabled)",
    404: "JOB_NOT_FOUND",
  },
});

/** VideoCraft's docs: `POST /api/v1/jobs/{id}/cancel`. */
export const videoCraftCancelJobRoute = defineVideoCraftRoute({
  method: "POST",
  path: "/api/v1/jobs/{id}/cancel",
  notFound: JOB_NOT_FOUND,
  doc: doc("Cancel a job (VideoCraft)"),
  handle: cancel,
});

/** VideoCraft's code: `DELETE /api/v1/jobs/{id}` (a stub there; it cancels here). */
export const videoCraftDeleteJobRoute = defineVideoCraftRoute({
  method: "DELETE",
  path: "/api/v1/jobs/{id}",
  notFound: JOB_NOT_FOUND,
  doc: doc("Cancel a job (VideoCraft's DELETE form)"),
  handle: cancel,
});
