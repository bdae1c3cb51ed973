import { NotFoundError } from "../errors.js";
import type { JobDeps } from "./job-deps.js";
import type { JobRecord } from "./job-record.js";
import { JobStore } from "./job-store.js";

/**
 * The job's record, if `owner` created it; NotFoundError otherwise. Another caller's job is not
 * found, exactly like a job that does not exist, so ids cannot be probed across callers.
 */
export async function getJobRecord(
  id: string,
  owner: string,
  deps: Pick<JobDeps, "store">,
): Promise<JobRecord> {
  const record = await new JobStore(deps.store).getStatus(id);
  if (!record || record.owner === undefined || record.owner !== owner)
    throw new NotFoundError(`no job ${id}`);
  return record;
}
