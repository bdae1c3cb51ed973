import { z } from "zod";
import { type IssueDetail, NotFoundError, ValidationError } from "../errors.js";
import { nextJobId } from "../jobs/create-jobs.js";
import type { JobDeps } from "../jobs/job-deps.js";
import { ownerDigest } from "../jobs/owner-digest.js";
import { storageKeys } from "../jobs/storage-keys.js";
import { formatPath } from "../schema/format-path.js";
import { capIssues, parseProjectRequest } from "../schema/parse-project-request.js";
import { dateTimeField } from "../schema/response-formats.js";
import { variablesSchema } from "../schema/template-schema.js";
import { isObject } from "./expand-request.js";
import { expandTemplate, type Variables } from "./expand-template.js";

/** `templates/<owner digest>/<id>.json`. */
export interface StoredTemplate {
  id: string;
  /** Never shown: only its owner can read, list, render or delete the template. */
  owner: string;
  name?: string;
  created_at: string;
  /** The names of its `{{placeholders}}`, sorted. */
  placeholders: string[];
  /** The project with placeholders, its `variables` (defaults) included. */
  template: Record<string, unknown>;
}

export const templateSummarySchema = z
  .object({
    id: z.string().meta({ description: "ULID" }),
    name: z.string().optional(),
    created_at: dateTimeField(),
    placeholders: z.array(z.string()).meta({ description: "names of the template's {{placeholders}}" }),
  })
  .meta({ id: "TemplateSummary" });
export const templateSchema = templateSummarySchema
  .extend({ template: z.record(z.string(), z.unknown()).meta({ description: "the stored project" }) })
  .meta({ id: "Template" });
export const templateListSchema = z
  .object({ templates: z.array(templateSummarySchema), next_cursor: z.string().optional() })
  .meta({ id: "TemplateList" });
export type TemplateSummary = z.infer<typeof templateSummarySchema>;

/** POST /v1/templates. */
export const createTemplateBodySchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  comment: z.string().max(10_000).optional(),
  template: z
    .record(z.string(), z.unknown(), { error: "template must be a project object" })
    .describe("a project whose strings may hold {{placeholders}}, with optional variables as defaults"),
});

function refuse(issues: IssueDetail[]): never {
  const n = issues.length;
  throw new ValidationError(`the template has ${n} problem${n === 1 ? "" : "s"}`, capIssues(issues));
}

/**
 * Checks a template as far as it can be checked before its values are known: it is one project,
 * its defaults are valid variables, every placeholder is a name, and everything the request schema
 * says about it holds except where a field holds a placeholder (`"duration": "{{seconds}}"` is
 * only a number once rendered). Rendering validates each job completely.
 */
function checkTemplate(template: Record<string, unknown>, deps: Pick<JobDeps, "config">): string[] {
  const issues: IssueDetail[] = [];
  const at = (path: string) => (path ? `template.${path}` : "template");
  if (template.data !== undefined) {
    issues.push({
      path: at("data"),
      message: "data belongs in POST /v1/templates/{id}/videos, not the template",
    });
  }
  const parsedDefaults = variablesSchema.safeParse(template.variables ?? {});
  if (!parsedDefaults.success) {
    for (const i of parsedDefaults.error.issues)
      issues.push({ path: at(`variables.${formatPath(i.path)}`), message: i.message });
  }
  const { variables: _v, data: _d, ...project } = template;
  const names = expandTemplate(project, {});
  for (const bad of names.invalid) {
    issues.push({ path: at(bad.path), message: `${bad.placeholder} is not a placeholder name` });
  }
  const defaults: Variables = parsedDefaults.success ? parsedDefaults.data : {};
  const filled = expandTemplate(project, defaults);
  const parsed = parseProjectRequest(filled.value, {
    maxProjects: 1,
    limits: deps.config.limits,
  });
  if (!parsed.ok) {
    const templated = filled.templated.filter((p) => filled.missing.some((m) => m.path === p));
    const covered = (path: string) =>
      templated.some((t) => path === t || path.startsWith(`${t}.`) || path.startsWith(`${t}[`));
    issues.push(...parsed.issues.filter((i) => !covered(i.path)).map((i) => ({ ...i, path: at(i.path) })));
  }
  if (issues.length > 0) refuse(issues);
  return [...new Set(names.missing.flatMap((m) => m.names))].sort();
}

const summary = (t: StoredTemplate): TemplateSummary => ({
  id: t.id,
  ...(t.name !== undefined ? { name: t.name } : {}),
  created_at: t.created_at,
  placeholders: t.placeholders,
});

export async function createTemplate(
  body: unknown,
  owner: string,
  deps: Pick<JobDeps, "config" | "store" | "clock">,
): Promise<TemplateSummary> {
  const parsed = createTemplateBodySchema.safeParse(body);
  if (!parsed.success) {
    refuse(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const { name, template } = parsed.data;
  if (!isObject(template)) refuse([{ path: "template", message: "template must be a project object" }]);
  const placeholders = checkTemplate(template, deps);
  const now = deps.clock.now();
  const stored: StoredTemplate = {
    id: nextJobId(now.getTime()),
    owner,
    ...(name !== undefined ? { name } : {}),
    created_at: now.toISOString(),
    placeholders,
    template,
  };
  await deps.store.putText(
    storageKeys.template(ownerDigest(owner), stored.id),
    JSON.stringify(stored),
    "application/json",
  );
  return summary(stored);
}

/** The caller's template, or not found (also for another caller's: never a hint that it exists). */
export async function getTemplate(
  id: string,
  owner: string,
  deps: Pick<JobDeps, "store">,
): Promise<StoredTemplate> {
  const text = await deps.store.getText(storageKeys.template(ownerDigest(owner), id));
  const stored = text === undefined ? undefined : (JSON.parse(text) as StoredTemplate);
  if (!stored || stored.owner !== owner) throw new NotFoundError(`no template ${id}`);
  return stored;
}

export function templateView(t: StoredTemplate): z.infer<typeof templateSchema> {
  return { ...summary(t), template: t.template };
}

export async function deleteTemplate(id: string, owner: string, deps: Pick<JobDeps, "store">): Promise<void> {
  await getTemplate(id, owner, deps);
  await deps.store.delete(storageKeys.template(ownerDigest(owner), id));
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** The caller's templates, newest first; the cursor is the last id of the previous page. */
export async function listTemplates(
  owner: string,
  deps: Pick<JobDeps, "store">,
  query: { limit?: string | undefined; cursor?: string | undefined },
): Promise<z.infer<typeof templateListSchema>> {
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationError("invalid query parameters", [
      { path: "limit", message: `limit must be an integer from 1 to ${MAX_LIMIT}` },
    ]);
  }
  const prefix = storageKeys.templatesPrefix(ownerDigest(owner));
  const { keys } = await deps.store.list(prefix);
  // ObjectStore.list already drops keys the emulator repeats across pages.
  const ids = keys
    .map((k) => k.slice(prefix.length).replace(/\.json$/, ""))
    .sort()
    .reverse();
  const cursor = query.cursor;
  const page = ids.filter((id) => cursor === undefined || id < cursor).slice(0, limit);
  const templates = (await Promise.all(page.map((id) => getTemplate(id, owner, deps).catch(() => undefined))))
    .filter((t) => t !== undefined)
    .map(summary);
  const last = page.at(-1);
  const more = last !== undefined && ids.some((id) => id < last);
  return { templates, ...(more && last ? { next_cursor: last } : {}) };
}
