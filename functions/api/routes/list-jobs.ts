import { listJobs } from "../../core/jobs/list-jobs.js";
import { json } from "../http-response.js";
import type { RouteHandler } from "../router.js";

/** `GET /v1/jobs?status=&limit=&cursor=` */
export const listJobsRoute: RouteHandler = async (req, deps) => {
  const { status, limit, cursor } = req.query;
  return json(200, await listJobs(deps, { status, limit, cursor }));
};
