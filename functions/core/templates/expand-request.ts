import type { z } from "zod";
import type { IssueDetail } from "../errors.js";
import { validationFailed } from "../jobs/validate-request.js";
import { formatPath } from "../schema/format-path.js";
import { capIssues } from "../schema/parse-project-request.js";
import { dataSchema, variablesSchema } from "../schema/template-schema.js";
import { type ExpandedTemplate, expandTemplate, type Variables } from "./expand-template.js";

/** A request with its placeholders filled: one body as before (a project or an array), or one project per data row. */
export type ExpandedRequest =
  | { kind: "single"; body: unknown; warnings: string[] }
  | { kind: "rows"; rows: { row: number; body: unknown; warnings: string[] }[] };

export interface ExpandOptions {
  /** Rows one request may hold (VIDEOCRAFT_MAX_PROJECTS_PER_REQUEST, like an array of projects). */
  maxRows: number;
  /** A stored template's own `variables`: defaults under the request's. */
  defaults?: Variables;
  /** Where `variables` and `data` come from, for messages: the body itself, or a template's videos request. */
  given?: { variables?: unknown; data?: unknown };
}

/** A JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function parseValues<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: string,
  issues: IssueDetail[],
): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues) {
    const at = formatPath(i.path);
    issues.push({ path: at ? (at.startsWith("[") ? path + at : `${path}.${at}`) : path, message: i.message });
  }
  return undefined;
}

/** The template without the keys that only feed it. */
function withoutTemplateKeys(project: Record<string, unknown>): Record<string, unknown> {
  const { variables: _v, data: _d, ...rest } = project;
  return rest;
}

function problemsOf(expanded: ExpandedTemplate, base: string, row?: number): IssueDetail[] {
  const at = (path: string) => (base && path ? `${base}.${path}` : base || path);
  return [
    ...expanded.invalid.map((i) => ({
      path: at(i.path),
      message: `${i.placeholder} is not a placeholder: a name is letters, digits, '_', '.' or '-', starting with a letter or '_'`,
    })),
    ...expanded.missing.flatMap((m) =>
      row === undefined
        ? [
            {
              path: at(m.path),
              message: `unresolved placeholder ${m.placeholders.join(", ")}: give it a value in variables`,
            },
          ]
        : m.names.map((name, k) => ({
            path: `data[${row}].${name}`,
            message: `unresolved placeholder ${m.placeholders[k]} (used at ${at(m.path)}): data[${row}] has no value for it and variables neither`,
          })),
    ),
  ];
}

const unused = (values: Variables | undefined, used: ReadonlySet<string>, path: string) =>
  Object.keys(values ?? {})
    .filter((k) => !used.has(k))
    .map((k) => `${path}.${k}: not used by any {{placeholder}} of the request`);

/**
 * Fills the request's placeholders: from its `variables` (and a stored template's defaults), or,
 * with `data`, once per row (the row's values over `variables`), one project per row. A missing
 * value is a validation error naming the placeholder and, for a batch, the row; a value nothing
 * uses is a warning on the job. An array of projects may give each project its own `variables`.
 * Throws a ValidationError listing every problem.
 */
export function expandRequest(body: unknown, options: ExpandOptions): ExpandedRequest {
  const issues: IssueDetail[] = [];
  if (Array.isArray(body)) {
    const warnings: string[] = [];
    const expanded = body.map((item, i) => {
      if (!isObject(item)) return item;
      if (item.data !== undefined) {
        issues.push({ path: `[${i}].data`, message: "a data batch takes one project, not an array of them" });
      }
      const variables = parseValues(variablesSchema, item.variables, `[${i}].variables`, issues);
      const result = expandTemplate(withoutTemplateKeys(item), { ...options.defaults, ...variables });
      issues.push(...problemsOf(result, `[${i}]`));
      warnings.push(...unused(variables, result.used, `[${i}].variables`));
      return result.value;
    });
    if (issues.length > 0) throw validationFailed(capIssues(issues));
    return { kind: "single", body: expanded, warnings };
  }
  if (!isObject(body)) return { kind: "single", body, warnings: [] };
  const given = options.given ?? body;
  const variables = parseValues(variablesSchema, given.variables, "variables", issues);
  const data = parseValues(dataSchema, given.data, "data", issues);
  if (data && data.length > options.maxRows) {
    issues.push({ path: "data", message: `at most ${options.maxRows} rows per request, got ${data.length}` });
  }
  if (issues.length > 0) throw validationFailed(capIssues(issues));
  const template = withoutTemplateKeys(body);
  const shared = { ...options.defaults, ...variables };
  if (!data) {
    const result = expandTemplate(template, shared);
    issues.push(...problemsOf(result, ""));
    if (issues.length > 0) throw validationFailed(capIssues(issues));
    return { kind: "single", body: result.value, warnings: unused(variables, result.used, "variables") };
  }
  const rows = data.map((values, row) => {
    const result = expandTemplate(template, { ...shared, ...values });
    issues.push(...problemsOf(result, "", row));
    return {
      row,
      body: result.value,
      warnings: [
        ...unused(values, result.used, `data[${row}]`),
        ...unused(variables, result.used, "variables"),
      ],
    };
  });
  if (issues.length > 0) throw validationFailed(capIssues(issues));
  return { kind: "rows", rows };
}
