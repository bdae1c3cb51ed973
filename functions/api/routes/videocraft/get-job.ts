import { getJobRecord } from "../../../core/jobs/get-job-record.js";
import { storageKeys } from "../../../core/jobs/storage-keys.js";
import { toVideoCraftJob, videoCraftJobSchema } from "../../../core/jobs/videocraft-job-view.js";
import { callerOf } from "../../api-request.js";
import { json } from "../../http-response.js";
import { jobIdParam } from "../../job-id-param.js";
import { defineVideoCraftRoute, JOB_NOT_FOUND } from "../../videocraft/define-videocraft-route.js";

/**
 * A job as VideoCraft shows it, on every path its code, README and docs use for it: the job,
 * its `/status`, and `/api/v1/status/{video_id}` (a video's id is its job's).
 */
export const videoCraftGetJobRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/api/v1/jobs/{id}",
  aliases: ["/api/v1/jobs/{id}/status", "/api/v1/status/{id}"],
  notFound: JOB_NOT_FOUND,
  doc: {
    summary: "A job's status and progress (VideoCraft): pending, processing, completed, failed, cancelled",
    pathParams: { id: "job_id (or video_id: the same)" },
    responses: { 200: { description: "the job", body: videoCraftJobSchema } },
    errors: { 404: "JOB_NOT_FOUND (also another caller's job)" },
  },
  handle: async (req, deps) => {
    const record = await getJobRecord(jobIdParam(req), callerOf(req).principal, deps);
    const videoExists =
      record.status === "completed" && (await deps.store.exists(storageKeys.video(record.id)));
    return json(200, toVideoCraftJob(record, { basePath: req.basePath, videoExists }));
  },
});
