import { NotFoundError } from "../errors.js";
import type { Project } from "../schema/project.js";
import { getJobRecord } from "./get-job-record.js";
import type { JobDeps } from "./job-deps.js";
import { JobStore } from "./job-store.js";

/**
 * The request a job was created from, as a body `POST /v1/videos` takes again: the stored
 * normalised project with its quality written back as the request's `quality` (the stored `crf` and
 * `draft` are not request keys). A webhook's secret is left out: it is a credential, and a page
 * showing the request must not show it. Only the job's owner may read it.
 */
export async function getJobRequest(
  id: string,
  owner: string,
  deps: Pick<JobDeps, "store">,
): Promise<Record<string, unknown>> {
  await getJobRecord(id, owner, deps);
  const project = await new JobStore(deps.store).getRequest(id);
  if (!project) throw new NotFoundError(`the request of job ${id} is no longer stored`);
  return projectAsRequest(project);
}

export function projectAsRequest(project: Project): Record<string, unknown> {
  const { crf, draft, webhook, ...rest } = project;
  const quality = draft ? "draft" : crf;
  return {
    ...rest,
    ...(quality !== undefined ? { quality } : {}),
    ...(webhook ? { webhook: { url: webhook.url } } : {}),
  };
}
