import { cancelJob } from "../../core/jobs/cancel-job.js";
import { json } from "../http-response.js";
import { jobIdParam } from "../job-id-param.js";
import type { RouteHandler } from "../router.js";

/** `DELETE /v1/jobs/{id}`: 202 because a processing job stops only at the worker's next check. */
export const cancelJobRoute: RouteHandler = async (req, deps) =>
  json(202, await cancelJob(jobIdParam(req), deps));
