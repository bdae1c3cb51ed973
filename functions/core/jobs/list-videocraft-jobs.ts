import { z } from "zod";
import { type IssueDetail, ValidationError } from "../errors.js";
import type { ObjectStore } from "../ports/object-store.js";
import { dateTimeField } from "../schema/response-formats.js";
import type { JobRecord } from "./job-record.js";
import { JobStore } from "./job-store.js";
import {
  fromVideoCraftStatus,
  toVideoCraftJobSummary,
  VIDEOCRAFT_STATUSES,
  videoCraftJobSummarySchema,
  videoCraftPaths,
} from "./videocraft-job-view.js";

/** Status files read at once while filtering a caller's jobs. */
const READ_BATCH = 50;
const MAX_LIMIT = 100;

/** Query parameters as they arrive on the URL. */
export interface OffsetQuery {
  status?: string;
  limit?: string;
  offset?: string;
  created_after?: string;
  created_before?: string;
}

const paginationSchema = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  total: z.number().int(),
  has_more: z.boolean(),
});

/** VideoCraft's list answer: the items under `key`, again under `data` beside the paging. */
function videoCraftListSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  const items = { [key]: z.array(item) } as Record<K, z.ZodArray<T>>;
  return z.object({
    success: z.literal(true),
    ...items,
    total_count: z.number().int(),
    pagination: paginationSchema,
    data: z.object({ ...items, pagination: paginationSchema }),
  });
}

export const videoCraftJobListSchema = videoCraftListSchema("jobs", videoCraftJobSummarySchema).meta({
  id: "VideoCraftJobList",
});
export type VideoCraftJobList = z.infer<typeof videoCraftJobListSchema>;

const videoCraftVideoSchema = z
  .object({
    id: z.string(),
    video_id: z.string(),
    job_id: z.string(),
    status: z.literal("completed"),
    file_size: z.number().int().optional(),
    duration: z.number().optional().meta({ description: "length of the video in seconds" }),
    resolution: z
      .string()
      .optional()
      .meta({ examples: ["1920x1080"] }),
    created_at: dateTimeField(),
    completed_at: dateTimeField().optional(),
    download_url: z.string(),
  })
  .meta({ id: "VideoCraftVideo" });
export type VideoCraftVideo = z.infer<typeof videoCraftVideoSchema>;

export const videoCraftVideoListSchema = videoCraftListSchema("videos", videoCraftVideoSchema).meta({
  id: "VideoCraftVideoList",
});
export type VideoCraftVideoList = z.infer<typeof videoCraftVideoListSchema>;

/**
 * `GET /api/v1/jobs`: the caller's jobs, newest first, `offset`/`limit` pages (default 50, as
 * VideoCraft's docs say), `status` in VideoCraft's names. `total_count` counts every job that
 * matches, so a status filter reads each of the caller's job records (bounded by job retention).
 */
export async function listVideoCraftJobs(
  owner: string,
  store: ObjectStore,
  query: OffsetQuery,
): Promise<VideoCraftJobList> {
  const q = parseOffsetQuery(query, 50);
  const page = await pageOfOwned(owner, store, q, q.status ? (r) => r.status === q.status : undefined);
  return videoCraftList("jobs", page.records.map(toVideoCraftJobSummary), q, page.total);
}

/**
 * `GET /api/v1/videos`: the caller's completed jobs as VideoCraft's endpoint docs list videos
 * (default 20 a page), optionally only those created after/before an ISO time.
 */
export async function listVideoCraftVideos(
  owner: string,
  deps: { store: ObjectStore; basePath: string },
  query: OffsetQuery,
): Promise<VideoCraftVideoList> {
  const q = parseOffsetQuery(query, 20);
  if (q.status && q.status !== "completed") return videoCraftList("videos", [], q, 0);
  const after = q.createdAfter;
  const before = q.createdBefore;
  const page = await pageOfOwned(
    owner,
    deps.store,
    q,
    (r) =>
      r.status === "completed" &&
      (after === undefined || Date.parse(r.created_at) > after) &&
      (before === undefined || Date.parse(r.created_at) < before),
  );
  const jobStore = new JobStore(deps.store);
  const videos = await Promise.all(
    page.records.map(async (r): Promise<VideoCraftVideo> => {
      const request = await jobStore.getRequest(r.id);
      return {
        id: r.id,
        video_id: r.id,
        job_id: r.id,
        status: "completed",
        ...(r.output ? { file_size: r.output.bytes } : {}),
        ...(r.duration_seconds !== undefined ? { duration: r.duration_seconds } : {}),
        ...(request ? { resolution: `${request.width}x${request.height}` } : {}),
        created_at: r.created_at,
        ...(r.finished_at ? { completed_at: r.finished_at } : {}),
        download_url: videoCraftPaths(deps.basePath, r.id).download,
      };
    }),
  );
  return videoCraftList("videos", videos, q, page.total);
}

interface ParsedQuery {
  status?: JobRecord["status"];
  limit: number;
  offset: number;
  createdAfter?: number;
  createdBefore?: number;
}

/** The answer {@link videoCraftListSchema} describes, for the page `q` of `total` matches. */
function videoCraftList<K extends string, T>(key: K, items: T[], q: ParsedQuery, total: number) {
  const listed = { [key]: items } as Record<K, T[]>;
  const pagination = { limit: q.limit, offset: q.offset, total, has_more: q.offset + q.limit < total };
  return {
    success: true as const,
    ...listed,
    total_count: total,
    pagination,
    data: { ...listed, pagination },
  };
}

/**
 * The caller's jobs newest first, `offset`/`limit` of those `keep` accepts. Without a filter only
 * the page is read; with one, every record is (in batches) to count the matches.
 */
async function pageOfOwned(
  owner: string,
  store: ObjectStore,
  q: ParsedQuery,
  keep?: (record: JobRecord) => boolean,
): Promise<{ records: JobRecord[]; total: number }> {
  const jobs = new JobStore(store);
  const ids = await jobs.listIdsOf(owner);
  const read = async (some: string[]) => {
    const records: JobRecord[] = [];
    for (let i = 0; i < some.length; i += READ_BATCH) {
      const batch = await Promise.all(some.slice(i, i + READ_BATCH).map((id) => jobs.getStatus(id)));
      // A job whose status is not written yet is still being created: not listed.
      for (const r of batch) if (r && r.owner === owner && (!keep || keep(r))) records.push(r);
    }
    return records;
  };
  if (!keep) return { records: await read(ids.slice(q.offset, q.offset + q.limit)), total: ids.length };
  const all = await read(ids);
  return { records: all.slice(q.offset, q.offset + q.limit), total: all.length };
}

function parseOffsetQuery(query: OffsetQuery, defaultLimit: number): ParsedQuery {
  const issues: IssueDetail[] = [];
  const whole = (name: "limit" | "offset", min: number, max: number, fallback: number) => {
    const raw = query[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      issues.push({ path: name, message: `${name} must be a whole number from ${min} to ${max}` });
    }
    return n;
  };
  const time = (name: "created_after" | "created_before") => {
    const raw = query[name];
    if (raw === undefined || raw === "") return undefined;
    const t = Date.parse(raw);
    if (Number.isNaN(t)) issues.push({ path: name, message: `${name} must be an ISO 8601 time` });
    return t;
  };
  const limit = whole("limit", 1, MAX_LIMIT, defaultLimit);
  const offset = whole("offset", 0, Number.MAX_SAFE_INTEGER, 0);
  const rawStatus = query.status === undefined || query.status === "" ? undefined : query.status;
  const status = rawStatus === undefined ? undefined : fromVideoCraftStatus(rawStatus);
  if (rawStatus !== undefined && status === undefined) {
    issues.push({ path: "status", message: `status must be one of ${VIDEOCRAFT_STATUSES.join(", ")}` });
  }
  const createdAfter = time("created_after");
  const createdBefore = time("created_before");
  if (issues.length > 0) throw new ValidationError("invalid query parameters", issues);
  return {
    limit,
    offset,
    ...(status ? { status } : {}),
    ...(createdAfter !== undefined ? { createdAfter } : {}),
    ...(createdBefore !== undefined ? { createdBefore } : {}),
  };
}
