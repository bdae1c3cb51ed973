import type { Config } from "../config.js";
import { type IssueDetail, ValidationError } from "../errors.js";
import { capIssues, type IgnoredKey, parseProjectRequest } from "../schema/parse-project-request.js";
import type { Project } from "../schema/project.js";
import { checkProjectSources, checkSourceCount, policyFromConfig } from "../schema/source-policy.js";
import { checkProjectWebhook } from "../schema/webhook-url-policy.js";

export interface ValidatedRequest {
  projects: Project[];
  /** VideoCraft's array form: the response lists every job instead of a single one. */
  batch: boolean;
  /** Keys dropped under `unknownKeys: "strip"`; empty otherwise. */
  ignoredKeys: IgnoredKey[];
}

/**
 * Schema rules first, then the source policy (schemes, bucket, local dir, how many distinct
 * sources) and the webhook URL policy on the normalised projects, so that a forbidden `src` or webhook is refused at
 * submission instead of failing the job (or its delivery) later.
 * Throws a ValidationError listing every problem with its JSON path.
 */
export function validateRequestBody(
  body: unknown,
  config: Config,
  options: { unknownKeys?: "error" | "strip" } = {},
): ValidatedRequest {
  const batch = Array.isArray(body);
  const parsed = parseProjectRequest(body, {
    maxProjects: config.maxProjectsPerRequest,
    limits: config.limits,
    ...options,
  });
  if (!parsed.ok) throw validationFailed(parsed.issues);
  const policy = policyFromConfig(config);
  const issues = parsed.projects.flatMap((project, i) =>
    [
      ...checkProjectSources(project, policy),
      ...checkSourceCount(project, policy, config.maxSourcesPerJob),
      ...checkProjectWebhook(project, config.allowPrivateSources),
    ].map((issue) => (batch ? { ...issue, path: prefixPath(`[${i}]`, issue.path) } : issue)),
  );
  if (issues.length > 0) throw validationFailed(capIssues(issues));
  return { projects: parsed.projects, batch, ignoredKeys: parsed.ignoredKeys };
}

const prefixPath = (prefix: string, path: string) =>
  path === "" ? prefix : path.startsWith("[") ? prefix + path : `${prefix}.${path}`;

/** The ValidationError every request check throws: how many problems, then each with its path. */
export function validationFailed(details: IssueDetail[]): ValidationError {
  const n = details.length;
  return new ValidationError(`the request has ${n} problem${n === 1 ? "" : "s"}`, details);
}
