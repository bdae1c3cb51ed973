import { getVideoLink } from "../../core/jobs/get-video-link.js";
import { json, redirect } from "../http-response.js";
import { jobIdParam } from "../job-id-param.js";
import type { RouteHandler } from "../router.js";

/** `GET /v1/videos/{id}` (and VideoCraft's `/api/v1/download/{id}`): a redirect, or the link as JSON. */
export const getVideoRoute: RouteHandler = async (req, deps) => {
  const link = await getVideoLink(jobIdParam(req), deps);
  const wantsJson = (req.headers.accept ?? "").toLowerCase().includes("application/json");
  return wantsJson ? json(200, link, { "cache-control": "no-store" }) : redirect(link.url);
};
