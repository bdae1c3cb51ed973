import { getJobView, jobViewSchema } from "../../core/jobs/get-job-view.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { JOB_ID_DOC, jobIdParam } from "../job-id-param.js";

export const getJobRoute = defineRoute({
  method: "GET",
  path: "/v1/jobs/{id}",
  doc: {
    tag: "jobs",
    summary: "A job's status, progress and (when completed) a presigned video link",
    pathParams: JOB_ID_DOC,
    responses: { 200: { description: "the job", body: jobViewSchema } },
    errors: { 404: "unknown job" },
  },
  handle: async (req, deps) => json(200, await getJobView(jobIdParam(req), callerOf(req).principal, deps)),
});
