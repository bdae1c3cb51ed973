import { NotFoundError } from "../errors.js";
import type { JobDeps } from "./job-deps.js";
import type { JobRecord } from "./job-record.js";
import { JobStore } from "./job-store.js";

/** The job's record; NotFoundError when there is none. */
export async function getJobRecord(id: string, deps: Pick<JobDeps, "store">): Promise<JobRecord> {
  const record = await new JobStore(deps.store).getStatus(id);
  if (!record) throw new NotFoundError(`no job ${id}`);
  return record;
}
