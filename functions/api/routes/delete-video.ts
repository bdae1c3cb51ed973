import { deleteVideo } from "../../core/jobs/delete-video.js";
import { noContent } from "../http-response.js";
import { jobIdParam } from "../job-id-param.js";
import type { RouteHandler } from "../router.js";

/** `DELETE /v1/videos/{id}` */
export const deleteVideoRoute: RouteHandler = async (req, deps) => {
  await deleteVideo(jobIdParam(req), deps);
  return noContent();
};
