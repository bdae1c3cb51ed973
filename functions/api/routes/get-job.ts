import { getJobView } from "../../core/jobs/get-job-view.js";
import { json } from "../http-response.js";
import { jobIdParam } from "../job-id-param.js";
import type { RouteHandler } from "../router.js";

/** `GET /v1/jobs/{id}` (and VideoCraft's `/api/v1/jobs/{id}/status`). */
export const getJobRoute: RouteHandler = async (req, deps) =>
  json(200, await getJobView(jobIdParam(req), deps));
