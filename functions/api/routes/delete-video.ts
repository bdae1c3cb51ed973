import { deleteVideo } from "../../core/jobs/delete-video.js";
import { callerOf } from "../api-request.js";
import { defineRoute } from "../define-route.js";
import { noContent } from "../http-response.js";
import { JOB_ID_DOC, jobIdParam } from "../job-id-param.js";

export const deleteVideoRoute = defineRoute({
  method: "DELETE",
  path: "/v1/videos/{id}",
  doc: {
    tag: "videos",
    summary: "Delete a finished job's MP4, poster and GIF preview",
    pathParams: JOB_ID_DOC,
    responses: { 204: { description: "deleted (repeating it is harmless)" } },
    errors: { 404: "unknown job", 409: "the job is still queued or processing" },
  },
  handle: async (req, deps) => {
    await deleteVideo(jobIdParam(req), callerOf(req).principal, deps);
    return noContent();
  },
});
