import { getPosterLink } from "../../core/jobs/get-poster-link.js";
import { videoLinkSchema } from "../../core/jobs/get-video-link.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { JOB_ID_DOC, jobIdParam } from "../job-id-param.js";

export const getVideoPosterRoute = defineRoute({
  method: "GET",
  path: "/v1/videos/{id}/poster",
  doc: {
    tag: "videos",
    summary: "A presigned link to the video's poster frame (JPEG)",
    pathParams: JOB_ID_DOC,
    responses: { 200: { description: "the link", body: videoLinkSchema } },
    errors: { 404: "unknown job, or no poster (not completed, deleted or expired)" },
  },
  handle: async (req, deps) =>
    json(200, await getPosterLink(jobIdParam(req), callerOf(req).principal, deps), {
      "cache-control": "no-store",
    }),
});
