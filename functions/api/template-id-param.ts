import type { ApiRequest } from "./api-request.js";
import { ulidParam } from "./job-id-param.js";

/** How the OpenAPI document describes a template route's `{id}`. */
export const TEMPLATE_ID_DOC = { id: "template id (ULID)" } as const;

/** The `{id}` of a template path: a ULID like job ids (any case); anything else is simply not found. */
export const templateIdParam = (req: ApiRequest): string => ulidParam(req, "template");
