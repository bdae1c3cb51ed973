import { isJobId } from "../core/jobs/storage-keys.js";
import { ApiError } from "./api-error.js";
import type { ApiRequest } from "./api-request.js";

/** How the OpenAPI document describes a route's `{id}`. */
export const JOB_ID_DOC = { id: "job id (ULID)" } as const;

/**
 * The `{id}` of a job path. ULIDs are case-insensitive, so a lower-cased id still finds its job;
 * anything that cannot be a job id is simply not found (never an S3 key built from user input).
 */
export function jobIdParam(req: ApiRequest): string {
  return ulidParam(req, "job");
}

/** The `{id}` of a path naming something by ULID (a job, a template); not found when it cannot be one. */
export function ulidParam(req: ApiRequest, what: string): string {
  const raw = req.params.id ?? "";
  const id = raw.toUpperCase();
  if (!isJobId(id)) throw new ApiError(404, "NOT_FOUND", `no ${what} ${JSON.stringify(raw.slice(0, 64))}`);
  return id;
}
