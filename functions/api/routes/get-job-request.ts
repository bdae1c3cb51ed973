import { z } from "zod";
import { getJobRequest } from "../../core/jobs/get-job-request.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { JOB_ID_DOC, jobIdParam } from "../job-id-param.js";

export const getJobRequestRoute = defineRoute({
  method: "GET",
  path: "/v1/jobs/{id}/request",
  doc: {
    tag: "jobs",
    summary: "The request a job was made from, normalised, ready to submit again (webhook secrets left out)",
    pathParams: JOB_ID_DOC,
    responses: { 200: { description: "the request", body: z.looseObject({}) } },
    errors: { 404: "unknown job, or its request has expired" },
  },
  handle: async (req, deps) => json(200, await getJobRequest(jobIdParam(req), callerOf(req).principal, deps)),
});
