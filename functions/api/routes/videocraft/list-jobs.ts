import { listVideoCraftJobs, videoCraftJobListSchema } from "../../../core/jobs/list-videocraft-jobs.js";
import { VIDEOCRAFT_STATUSES } from "../../../core/jobs/videocraft-job-view.js";
import { callerOf } from "../../api-request.js";
import { json } from "../../http-response.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

export const videoCraftListJobsRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/api/v1/jobs",
  doc: {
    summary: "The caller's jobs, newest first, with offset pagination (VideoCraft)",
    parameters: [
      { name: "status", in: "query", schema: { type: "string", enum: VIDEOCRAFT_STATUSES } },
      { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
      { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
    ],
    responses: { 200: { description: "a page of jobs", body: videoCraftJobListSchema } },
    errors: { 400: "VALIDATION_ERROR: invalid query parameters" },
  },
  handle: async (req, deps) =>
    json(200, await listVideoCraftJobs(callerOf(req).principal, deps.store, req.query)),
});
