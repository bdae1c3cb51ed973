import type { APIGatewayProxyResult } from "aws-lambda";
import { z } from "zod";
import { getJobRecord } from "../../../core/jobs/get-job-record.js";
import { presignVideo } from "../../../core/jobs/get-video-link.js";
import type { JobRecord } from "../../../core/jobs/job-record.js";
import { JobStore } from "../../../core/jobs/job-store.js";
import { storageKeys } from "../../../core/jobs/storage-keys.js";
import { toVideoCraftStatus, videoCraftPaths } from "../../../core/jobs/videocraft-job-view.js";
import { dateTimeField } from "../../../core/schema/response-formats.js";
import type { ApiDeps } from "../../api-deps.js";
import { ApiError } from "../../api-error.js";
import { type ApiRequest, callerOf } from "../../api-request.js";
import type { ResponseDoc } from "../../define-route.js";
import { json, redirect, streamed } from "../../http-response.js";
import { jobIdParam } from "../../job-id-param.js";
import { defineVideoCraftRoute, VIDEO_NOT_FOUND } from "../../videocraft/define-videocraft-route.js";

const notFound = (message: string) =>
  new ApiError(404, "NOT_FOUND", message, undefined, undefined, VIDEO_NOT_FOUND.code);

/** The caller's completed job whose video `{id}` names; VideoCraft's 404 otherwise. */
async function completedJob(req: ApiRequest, deps: ApiDeps): Promise<JobRecord> {
  const record = await getJobRecord(jobIdParam(req), callerOf(req).principal, deps);
  if (record.status !== "completed") {
    throw notFound(`Video not found (the job is ${toVideoCraftStatus(record.status)})`);
  }
  return record;
}

/**
 * The MP4 itself, as VideoCraft serves it (200, `video/mp4`, an attachment named
 * `video_<id>.mp4`), where the server can stream it (up to `maxStreamedBytes`); otherwise a 302
 * to a presigned URL (docs/deploy.md says where and why).
 */
async function sendVideo(req: ApiRequest, deps: ApiDeps): Promise<APIGatewayProxyResult> {
  const { id } = await completedJob(req, deps);
  const key = storageKeys.video(id);
  if (deps.downloads === "stream" && deps.store.openRead) {
    const object = await deps.store.openRead(key);
    if (!object) throw notFound("Video not found (it was deleted or has expired)");
    if (object.bytes <= (deps.maxStreamedBytes ?? Number.POSITIVE_INFINITY)) {
      return streamed(object.body, object.bytes, {
        "content-type": "video/mp4",
        "content-disposition": `attachment; filename="video_${id}.mp4"`,
        "cache-control": "no-cache",
      });
    }
    object.body.destroy();
  }
  const link = await presignVideo(id, deps);
  if (!link) throw notFound("Video not found (it was deleted or has expired)");
  return redirect(link.url);
}

const videoDetailFields = {
  id: z.string(),
  job_id: z.string(),
  status: z.literal("completed"),
  file_size: z.number().int().optional(),
  file_format: z.literal("mp4"),
  duration: z.number().optional(),
  resolution: z.string().optional(),
  framerate: z.number().optional(),
  video_codec: z.literal("h264"),
  audio_codec: z.literal("aac"),
  created_at: dateTimeField(),
  completed_at: dateTimeField().optional(),
  download_url: z.string(),
};

export const videoCraftVideoDetailsSchema = z
  .object({ success: z.literal(true), ...videoDetailFields, data: z.object(videoDetailFields) })
  .meta({ id: "VideoCraftVideoDetails" });
export type VideoCraftVideoDetails = z.infer<typeof videoCraftVideoDetailsSchema>;

async function videoDetails(req: ApiRequest, deps: ApiDeps): Promise<APIGatewayProxyResult> {
  const record = await completedJob(req, deps);
  const request = await new JobStore(deps.store).getRequest(record.id);
  const fields = {
    id: record.id,
    job_id: record.id,
    status: "completed" as const,
    ...(record.output ? { file_size: record.output.bytes } : {}),
    file_format: "mp4" as const,
    ...(record.duration_seconds !== undefined ? { duration: record.duration_seconds } : {}),
    ...(request ? { resolution: `${request.width}x${request.height}`, framerate: request.fps } : {}),
    video_codec: "h264" as const,
    audio_codec: "aac" as const,
    created_at: record.created_at,
    ...(record.finished_at ? { completed_at: record.finished_at } : {}),
    download_url: videoCraftPaths(req.basePath, record.id).download,
  };
  return json(200, { success: true, ...fields, data: fields } satisfies VideoCraftVideoDetails);
}

const wantsJson = (req: ApiRequest) => (req.headers.accept ?? "").toLowerCase().includes("application/json");

const bytes: ResponseDoc = {
  description: "the MP4 (attachment video_<id>.mp4), where the server streams it",
  mediaType: "video/mp4",
};
const moved: ResponseDoc = {
  description: "a video over the server's streaming limit (200 MB on AWS): the presigned URL to follow",
  headers: { Location: "the presigned URL" },
};
const errors = {
  404: "VIDEO_NOT_FOUND: unknown job, another caller's, not completed, or its video deleted or expired",
};

/**
 * VideoCraft's code answers this path with the file; its endpoint docs answer it with the
 * video's details. Both: JSON details when the client asks for JSON, the bytes otherwise (what
 * curl, requests and browsers get).
 */
export const videoCraftGetVideoRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/api/v1/videos/{id}",
  notFound: VIDEO_NOT_FOUND,
  doc: {
    summary: "The MP4 (VideoCraft), or its details with Accept: application/json",
    pathParams: { id: "video_id (the job's id)" },
    responses: {
      200: { ...bytes, description: `${bytes.description}; with Accept: application/json, the details` },
      302: moved,
    },
    errors,
  },
  handle: async (req, deps) => (wantsJson(req) ? videoDetails(req, deps) : sendVideo(req, deps)),
});

/** VideoCraft's two download paths (its root listing and docs). */
export const videoCraftDownloadVideoRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/api/v1/download/{id}",
  aliases: ["/api/v1/videos/{id}/download"],
  notFound: VIDEO_NOT_FOUND,
  doc: {
    summary: "The MP4 (VideoCraft)",
    pathParams: { id: "video_id (the job's id)" },
    responses: { 200: bytes, 302: moved },
    errors,
  },
  handle: sendVideo,
});
