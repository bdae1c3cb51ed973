import { getJobRecord } from "./get-job-record.js";
import { presignVideo } from "./get-video-link.js";
import type { JobDeps } from "./job-deps.js";
import type { JobRecord, JobStatus, JobStep } from "./job-record.js";

/** What clients see of a job (SPEC §4); internal fields (attempts, output keys) stay private. */
export interface JobView {
  id: string;
  status: JobStatus;
  progress: number;
  step: JobStep;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  duration_seconds?: number;
  error?: { code: string; message: string };
  warnings: string[];
  video_url?: string;
  expires_at?: string;
  /** How the job's webhook went, once its delivery ended (no URL, no reason text). */
  webhook?: { delivered: boolean; attempts: number; last_status?: number };
}

type ViewDeps = Pick<JobDeps, "config" | "store" | "clock">;

export async function toJobView(record: JobRecord, deps: ViewDeps): Promise<JobView> {
  const view: JobView = {
    id: record.id,
    status: record.status,
    progress: Math.min(100, Math.max(0, record.progress)),
    step: record.step,
    created_at: record.created_at,
    ...(record.started_at ? { started_at: record.started_at } : {}),
    ...(record.finished_at ? { finished_at: record.finished_at } : {}),
    ...(record.duration_seconds !== undefined ? { duration_seconds: record.duration_seconds } : {}),
    ...(record.error ? { error: { code: record.error.code, message: record.error.message } } : {}),
    warnings: record.warnings ?? [],
    ...(record.webhook
      ? {
          webhook: {
            delivered: record.webhook.delivered,
            attempts: record.webhook.attempts,
            ...(record.webhook.last_status !== undefined ? { last_status: record.webhook.last_status } : {}),
          },
        }
      : {}),
  };
  if (record.status === "completed") {
    const link = await presignVideo(record.id, deps);
    if (link) {
      view.video_url = link.url;
      view.expires_at = link.expires_at;
    }
  }
  return view;
}

export async function getJobView(id: string, deps: ViewDeps): Promise<JobView> {
  return toJobView(await getJobRecord(id, deps), deps);
}
