import { z } from "zod";
import { type IssueDetail, ValidationError } from "../errors.js";
import { jobViewSchema, toJobView } from "./get-job-view.js";
import type { JobDeps } from "./job-deps.js";
import { JOB_STATUSES, type JobRecord, type JobStatus } from "./job-record.js";
import { JobStore } from "./job-store.js";
import { isJobId } from "./storage-keys.js";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** Query parameters as they arrive on the URL. */
export interface ListJobsQuery {
  status?: string;
  limit?: string;
  cursor?: string;
}

export const jobListSchema = z
  .object({
    jobs: z.array(jobViewSchema),
    next_cursor: z
      .string()
      .optional()
      .meta({ description: "pass as cursor for the next page; absent on the last" }),
  })
  .meta({ id: "JobList" });
export type JobList = z.infer<typeof jobListSchema>;

/**
 * `owner`'s jobs, newest first. The cursor is the last id of the previous page: ids are ULIDs, so
 * "older than the cursor" is a string comparison and stays stable while new jobs arrive.
 */
export async function listJobs(
  owner: string,
  deps: Pick<JobDeps, "config" | "store" | "clock">,
  query: ListJobsQuery,
): Promise<JobList> {
  const { status, limit, cursor } = parseQuery(query);
  const jobStore = new JobStore(deps.store);
  const ids = await jobStore.listIdsOf(owner);
  let pos = cursor === undefined ? 0 : ids.findIndex((id) => id < cursor);
  if (pos < 0) pos = ids.length;

  const found: JobRecord[] = [];
  // Status files are read a page at a time, in parallel; a filter may need several pages.
  while (found.length < limit && pos < ids.length) {
    const batch = ids.slice(pos, pos + Math.max(limit, DEFAULT_LIMIT));
    const records = await Promise.all(batch.map((id) => jobStore.getStatus(id)));
    for (const record of records) {
      pos++;
      // A job whose status is not written yet is still being created: not listed.
      if (!record || record.owner !== owner || (status !== undefined && record.status !== status)) continue;
      found.push(record);
      if (found.length === limit) break;
    }
  }
  const jobs = await Promise.all(found.map((r) => toJobView(r, deps)));
  const last = jobs.at(-1);
  const more = found.length === limit && pos < ids.length;
  return { jobs, ...(more && last ? { next_cursor: last.id } : {}) };
}

function parseQuery(query: ListJobsQuery): { status?: JobStatus; limit: number; cursor?: string } {
  const issues: IssueDetail[] = [];
  const status = query.status === undefined || query.status === "" ? undefined : query.status;
  if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
    issues.push({ path: "status", message: `status must be one of ${JOB_STATUSES.join(", ")}` });
  }
  let limit = DEFAULT_LIMIT;
  if (query.limit !== undefined && query.limit !== "") {
    limit = Number(query.limit);
    if (!/^\d+$/.test(query.limit) || limit < 1 || limit > MAX_LIMIT) {
      issues.push({ path: "limit", message: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
    }
  }
  const cursor = query.cursor === undefined || query.cursor === "" ? undefined : query.cursor;
  if (cursor !== undefined && !isJobId(cursor)) {
    issues.push({ path: "cursor", message: "cursor is not one this API returned" });
  }
  if (issues.length > 0) throw new ValidationError("invalid query parameters", issues);
  return { ...(status ? { status: status as JobStatus } : {}), limit, ...(cursor ? { cursor } : {}) };
}
