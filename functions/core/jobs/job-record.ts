import type { JobError } from "../errors.js";

export const JOB_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** The statuses a job ends in; none changes afterwards. */
export const FINISHED_STATUSES = ["completed", "failed", "cancelled"] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(FINISHED_STATUSES);
export const isFinishedStatus = (status: JobStatus): status is FinishedStatus =>
  TERMINAL_STATUSES.has(status);

/** Pipeline steps, in order; `step` in the status names the one running. */
export const JOB_STEPS = [
  "queued",
  "fetching",
  "probing",
  "transcribing",
  "planning",
  "rendering",
  "mixing",
  "assembling",
  "uploading",
  "done",
] as const;
export type JobStep = (typeof JOB_STEPS)[number];

/** `jobs/<id>/status.json`: written by the API on create/cancel, by the render worker afterwards. */
export interface JobRecord {
  id: string;
  /**
   * Who created the job (the caller's principal, never a key): only that caller sees it. Jobs
   * stored before owners were recorded have none and are visible to no caller.
   */
  owner?: string;
  status: JobStatus;
  /** 0–100, never decreases. */
  progress: number;
  step: JobStep;
  created_at: string;
  updated_at: string;
  started_at?: string;
  finished_at?: string;
  /** Length of the rendered video. */
  duration_seconds?: number;
  error?: JobError;
  /** Things the client should know that did not fail the job (e.g. captions not rendered yet). */
  warnings: string[];
  /** How many times a worker picked the job up. */
  attempts: number;
  /** What the job stored; no poster key when the project turned the poster off. */
  output?: { video_key: string; poster_key?: string; gif_key?: string; bytes: number };
  /** Scene segments of the render and how many came from the scene cache instead of an encode. */
  segments?: { total: number; cached: number; fanout?: boolean };
  /** The data row of a template batch this job renders (0-based). */
  row?: number;
  /** The stored template this job renders. */
  template_id?: string;
  /** Outcome of the job's webhook once its delivery ended (never holds the URL or secret). */
  webhook?: WebhookOutcome;
}

export interface WebhookOutcome {
  delivered: boolean;
  /** HTTP attempts made; 0 when the URL was refused before connecting (SSRF rules). */
  attempts: number;
  /** The receiver's last HTTP status, if it answered at all. */
  last_status?: number;
  /** Why the last attempt failed, without the URL. */
  error?: string;
  at: string;
}
