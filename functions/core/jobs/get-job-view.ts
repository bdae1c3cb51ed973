import { z } from "zod";
import { jobErrorSchema } from "../errors.js";
import { dateTimeField, urlField } from "../schema/response-formats.js";
import { getJobRecord } from "./get-job-record.js";
import { presignObject, presignVideo } from "./get-video-link.js";
import type { JobDeps } from "./job-deps.js";
import { JOB_STATUSES, JOB_STEPS, type JobRecord } from "./job-record.js";

/** What clients see of a job; internal fields (attempts, output keys) stay private. */
export const jobViewSchema = z
  .object({
    id: z.string().meta({ description: "ULID" }),
    status: z.enum(JOB_STATUSES),
    progress: z.number().int().min(0).max(100).meta({ description: "never decreases" }),
    step: z.enum(JOB_STEPS),
    created_at: dateTimeField(),
    started_at: dateTimeField().optional(),
    finished_at: dateTimeField().optional(),
    duration_seconds: z.number().optional().meta({ description: "length of the rendered video" }),
    error: jobErrorSchema.optional(),
    warnings: z.array(z.string()),
    video_url: urlField("presigned; completed jobs only").optional(),
    expires_at: dateTimeField("when video_url (and gif_url) stop working").optional(),
    gif_url: urlField(
      "presigned GIF preview; when the project asked for one (output.gif_preview)",
    ).optional(),
    row: z
      .number()
      .int()
      .optional()
      .meta({ description: "the data row this job rendered, for a template batch" }),
    template_id: z.string().optional().meta({ description: "the stored template this job rendered" }),
    webhook: z
      .object({
        delivered: z.boolean(),
        attempts: z.number().int().min(0),
        last_status: z.number().int().optional(),
      })
      .optional()
      .meta({ description: "how the job's webhook delivery ended (no URL, no reason text)" }),
  })
  .meta({ id: "Job" });
export type JobView = z.infer<typeof jobViewSchema>;

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
    ...(record.row !== undefined ? { row: record.row } : {}),
    ...(record.template_id !== undefined ? { template_id: record.template_id } : {}),
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
    const gifKey = record.output?.gif_key;
    const [link, gif] = await Promise.all([
      presignVideo(record.id, deps),
      gifKey ? presignObject(gifKey, deps, `${record.id}.gif`) : undefined,
    ]);
    if (link) {
      view.video_url = link.url;
      view.expires_at = link.expires_at;
    }
    if (gif) view.gif_url = gif.url;
  }
  return view;
}

export async function getJobView(id: string, owner: string, deps: ViewDeps): Promise<JobView> {
  return toJobView(await getJobRecord(id, owner, deps), deps);
}
