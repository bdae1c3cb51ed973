import { isJobId } from "../core/jobs/storage-keys.js";
import { ApiError } from "./api-error.js";
import type { ApiRequest } from "./api-request.js";

/** How the OpenAPI document describes a template route's `{id}`. */
export const TEMPLATE_ID_DOC = { id: "template id (ULID)" } as const;

/** The `{id}` of a template path: a ULID like job ids (any case), anything else is simply not found. */
export function templateIdParam(req: ApiRequest): string {
  const raw = req.params.id ?? "";
  const id = raw.toUpperCase();
  if (!isJobId(id)) throw new ApiError(404, "NOT_FOUND", `no template ${JSON.stringify(raw.slice(0, 64))}`);
  return id;
}
