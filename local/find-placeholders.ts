import type { IssueDetail } from "../functions/core/errors.js";
import { formatPath } from "../functions/core/schema/format-path.js";

const PLACEHOLDER = /\{\{[^{}]*\}\}/g;

/**
 * Every string of a request that still holds a `{{name}}` template placeholder, with its JSON
 * path. Nothing fills placeholders yet, so one left in a request file is a forgotten substitution
 * (the examples use `{{MEDIA}}`) and would otherwise surface as a missing file or as literal text
 * in a caption. `comment` values are free text about the request and are not checked.
 */
export function findPlaceholders(body: unknown): IssueDetail[] {
  const issues: IssueDetail[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string") {
      const found = value.match(PLACEHOLDER);
      if (found) {
        const names = [...new Set(found)].join(", ");
        issues.push({
          path: formatPath(path),
          message: `unresolved placeholder ${names}: replace it with its value (templates are not supported)`,
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, [...path, i]);
      });
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (key !== "comment") visit(item, [...path, key]);
      }
    }
  };
  visit(body, []);
  return issues;
}
