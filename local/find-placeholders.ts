import { type IssueDetail, ValidationError } from "../functions/core/errors.js";
import { type ExpandedRequest, expandRequest } from "../functions/core/templates/expand-request.js";

/**
 * A request file's placeholders filled as the API fills them (`variables`, a `data` batch), or the
 * problems the API would answer with: a `{{name}}` without a value (a forgotten substitution, such
 * as the examples' `{{MEDIA}}`, would otherwise surface as a missing file), or one that is not a
 * name. `comment` values are free text and are left alone.
 */
export function expandRequestFile(
  body: unknown,
  maxRows: number,
): { ok: true; expanded: ExpandedRequest } | { ok: false; issues: IssueDetail[] } {
  try {
    return { ok: true, expanded: expandRequest(body, { maxRows }) };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, issues: e.details };
    throw e;
  }
}

/** The placeholder problems of a request, with their JSON paths; empty when every one has a value. */
export function findPlaceholders(body: unknown, maxRows = Number.MAX_SAFE_INTEGER): IssueDetail[] {
  const result = expandRequestFile(body, maxRows);
  return result.ok ? [] : result.issues;
}

/** How many jobs a request makes: one per data row, one per project of an array, else one. */
export function jobCount(expanded: ExpandedRequest): number {
  if (expanded.kind === "rows") return expanded.rows.length;
  return Array.isArray(expanded.body) ? expanded.body.length : 1;
}
