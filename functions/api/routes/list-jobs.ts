import { JOB_STATUSES } from "../../core/jobs/job-record.js";
import { jobListSchema, listJobs } from "../../core/jobs/list-jobs.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";

export const listJobsRoute = defineRoute({
  method: "GET",
  path: "/v1/jobs",
  doc: {
    tag: "jobs",
    summary: "Jobs, newest first, with cursor pagination",
    parameters: [
      { name: "status", in: "query", schema: { type: "string", enum: JOB_STATUSES } },
      { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
      { name: "cursor", in: "query", schema: { type: "string" } },
    ],
    responses: { 200: { description: "a page of jobs", body: jobListSchema } },
    errors: { 400: "invalid query parameters" },
  },
  handle: async (req, deps) => {
    const { status, limit, cursor } = req.query;
    return json(200, await listJobs(callerOf(req).principal, deps, { status, limit, cursor }));
  },
});
