import { getVideoLink, videoLinkSchema } from "../../core/jobs/get-video-link.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json, redirect } from "../http-response.js";
import { JOB_ID_DOC, jobIdParam } from "../job-id-param.js";

/** A redirect, or the link as JSON when the client asks for JSON. */
export const getVideoRoute = defineRoute({
  method: "GET",
  path: "/v1/videos/{id}",
  doc: {
    tag: "videos",
    summary: "Redirect to the MP4's presigned URL (JSON {url, expires_at} with Accept: application/json)",
    pathParams: JOB_ID_DOC,
    responses: {
      200: { description: "the link (Accept: application/json)", body: videoLinkSchema },
      302: { description: "redirect to the presigned URL", headers: { Location: "the presigned URL" } },
    },
    errors: { 404: "unknown job, or its video was deleted or expired", 409: "the job is not completed" },
  },
  handle: async (req, deps) => {
    const link = await getVideoLink(jobIdParam(req), callerOf(req).principal, deps);
    const wantsJson = (req.headers.accept ?? "").toLowerCase().includes("application/json");
    return wantsJson ? json(200, link, { "cache-control": "no-store" }) : redirect(link.url);
  },
});
