import { cancelJob } from "../../core/jobs/cancel-job.js";
import { jobViewSchema } from "../../core/jobs/get-job-view.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { JOB_ID_DOC, jobIdParam } from "../job-id-param.js";

/** 202 because a processing job stops only at the worker's next check. */
export const cancelJobRoute = defineRoute({
  method: "DELETE",
  path: "/v1/jobs/{id}",
  doc: {
    tag: "jobs",
    summary: "Cancel a queued or processing job",
    pathParams: JOB_ID_DOC,
    responses: { 202: { description: "cancellation requested", body: jobViewSchema } },
    errors: { 404: "unknown job", 409: "the job already finished" },
  },
  handle: async (req, deps) => json(202, await cancelJob(jobIdParam(req), callerOf(req).principal, deps)),
});
