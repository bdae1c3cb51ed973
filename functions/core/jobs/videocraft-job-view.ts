import { z } from "zod";
import { dateTimeField } from "../schema/response-formats.js";
import type { JobRecord, JobStatus } from "./job-record.js";

/** VideoCraft's job statuses: ours, with `queued` called `pending`. */
export const VIDEOCRAFT_STATUSES = ["pending", "processing", "completed", "failed", "cancelled"] as const;
export type VideoCraftStatus = (typeof VIDEOCRAFT_STATUSES)[number];

export const toVideoCraftStatus = (status: JobStatus): VideoCraftStatus =>
  status === "queued" ? "pending" : status;

/** A status filter as a VideoCraft client writes it (`pending`), or ours (`queued`). */
export function fromVideoCraftStatus(status: string): JobStatus | undefined {
  if (status === "pending" || status === "queued") return "queued";
  return (VIDEOCRAFT_STATUSES as readonly string[]).includes(status) ? (status as JobStatus) : undefined;
}

/** VideoCraft's paths of a video; `basePath` is the API Gateway stage (empty locally). */
export const videoCraftPaths = (basePath: string, id: string) => ({
  status: `${basePath}/api/v1/jobs/${id}/status`,
  video: `${basePath}/api/v1/videos/${id}`,
  download: `${basePath}/api/v1/download/${id}`,
});

const videoCraftJobFields = {
  job_id: z.string(),
  video_id: z.string().meta({ description: "the video's id for /api/v1/videos/{id}: the same as job_id" }),
  status: z.enum(VIDEOCRAFT_STATUSES),
  progress: z.number().int().min(0).max(100),
  current_step: z.string(),
  created_at: dateTimeField(),
  updated_at: dateTimeField(),
  completed_at: dateTimeField("when the job completed or failed").optional(),
  duration_seconds: z
    .number()
    .optional()
    .meta({ description: "as VideoCraft: seconds from created_at to completed_at (not the video's length)" }),
  error: z.string().optional().meta({ description: "why the job failed, as text" }),
  error_code: z.string().optional(),
  warnings: z.array(z.string()),
};

export const videoCraftJobSummarySchema = z
  .object({ id: z.string(), ...videoCraftJobFields })
  .meta({ id: "VideoCraftJobSummary" });
export type VideoCraftJobSummary = z.infer<typeof videoCraftJobSummarySchema>;

const resultSchema = z.object({
  video_id: z.string(),
  download_url: z.string(),
  file_size: z.number().int().optional(),
  duration: z.number().optional().meta({ description: "length of the video in seconds" }),
});

export const videoCraftJobSchema = z
  .object({
    success: z.literal(true),
    ...videoCraftJobFields,
    video_url: z.string().optional().meta({ description: "path that answers the MP4 (completed jobs)" }),
    download_url: z.string().optional().meta({ description: "another path that answers the MP4" }),
    data: videoCraftJobSummarySchema
      .extend({ result: resultSchema.optional() })
      .meta({ description: "the same job as VideoCraft's endpoint docs nest it" }),
  })
  .meta({ id: "VideoCraftJob" });
export type VideoCraftJob = z.infer<typeof videoCraftJobSchema>;

/** A job as VideoCraft's list and status answers show it. */
export function toVideoCraftJobSummary(record: JobRecord): VideoCraftJobSummary {
  const ended = record.status === "completed" || record.status === "failed";
  const completedAt = ended ? (record.finished_at ?? record.updated_at) : undefined;
  return {
    id: record.id,
    job_id: record.id,
    video_id: record.id,
    status: toVideoCraftStatus(record.status),
    progress: Math.min(100, Math.max(0, Math.round(record.progress))),
    current_step: record.step,
    created_at: record.created_at,
    updated_at: record.updated_at,
    ...(completedAt
      ? {
          completed_at: completedAt,
          duration_seconds: (Date.parse(completedAt) - Date.parse(record.created_at)) / 1000,
        }
      : {}),
    ...(record.error && record.status !== "cancelled"
      ? { error: record.error.message, error_code: record.error.code }
      : {}),
    warnings: record.warnings ?? [],
  };
}

/**
 * `GET /api/v1/jobs/{id}` (and `/status`) as VideoCraft answers it: its flat fields, with the
 * video's paths once it is there, and the same job under `data` as its endpoint docs show it.
 */
export function toVideoCraftJob(
  record: JobRecord,
  o: { basePath: string; videoExists: boolean },
): VideoCraftJob {
  const summary = toVideoCraftJobSummary(record);
  const paths = videoCraftPaths(o.basePath, record.id);
  const ready = record.status === "completed" && o.videoExists;
  const { id: _id, ...flat } = summary;
  return {
    success: true,
    ...flat,
    ...(ready ? { video_url: paths.video, download_url: paths.download } : {}),
    data: {
      ...summary,
      ...(ready
        ? {
            result: {
              video_id: record.id,
              download_url: paths.download,
              ...(record.output ? { file_size: record.output.bytes } : {}),
              ...(record.duration_seconds !== undefined ? { duration: record.duration_seconds } : {}),
            },
          }
        : {}),
    },
  };
}
