import { z } from "zod";
import { deleteVideo } from "../../../core/jobs/delete-video.js";
import { callerOf } from "../../api-request.js";
import { json } from "../../http-response.js";
import { jobIdParam } from "../../job-id-param.js";
import { defineVideoCraftRoute, VIDEO_NOT_FOUND } from "../../videocraft/define-videocraft-route.js";

export const videoCraftVideoDeletedSchema = z
  .object({ success: z.literal(true), message: z.string(), video_id: z.string() })
  .meta({ id: "VideoCraftVideoDeleted" });

/** VideoCraft's docs answer 200 with a message where /v1 answers 204. */
export const videoCraftDeleteVideoRoute = defineVideoCraftRoute({
  method: "DELETE",
  path: "/api/v1/videos/{id}",
  notFound: VIDEO_NOT_FOUND,
  doc: {
    summary: "Delete a finished job's MP4 and poster (VideoCraft)",
    pathParams: { id: "video_id (the job's id)" },
    responses: {
      200: { description: "deleted (repeating it is harmless)", body: videoCraftVideoDeletedSchema },
    },
    errors: {
      403: "CSRF_TOKEN_MISSING or CSRF_TOKEN_INVALID (when CSRF is enabled)",
      404: "VIDEO_NOT_FOUND",
      409: "CONFLICT: the job is still pending or processing",
    },
  },
  handle: async (req, deps) => {
    const id = jobIdParam(req);
    await deleteVideo(id, callerOf(req).principal, deps);
    return json(200, { success: true, message: "Video deleted successfully", video_id: id });
  },
});
