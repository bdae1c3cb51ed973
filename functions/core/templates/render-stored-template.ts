import { z } from "zod";
import { ValidationError } from "../errors.js";
import type { CreateJobsResult } from "../jobs/create-jobs.js";
import type { JobDeps } from "../jobs/job-deps.js";
import { formatPath } from "../schema/format-path.js";
import { dataSchema, variablesSchema } from "../schema/template-schema.js";
import { createTemplateJobs } from "./create-template-jobs.js";
import type { Variables } from "./expand-template.js";
import { getTemplate } from "./stored-templates.js";

/** POST /v1/templates/{id}/videos: the values for a stored template's placeholders. */
export const templateVideosBodySchema = z.strictObject({
  variables: variablesSchema.optional(),
  data: dataSchema.optional(),
  comment: z.string().optional(),
});

export interface RenderStoredTemplateInput {
  templateId: string;
  /** The decoded body (`variables`, `data`); none is taken as `{}`. */
  body: unknown;
  /** The body as sent, for Idempotency-Key replays. */
  rawBody: string;
  principal: string;
  idempotencyKey?: string;
}

/**
 * The caller's stored template rendered with the body's variables (one job) or data rows (one job
 * per row), the template's own variables as defaults. Not found for an unknown template or
 * another caller's; a body that is not {variables, data, comment} is a validation error.
 */
export async function renderStoredTemplate(
  deps: JobDeps,
  input: RenderStoredTemplateInput,
): Promise<CreateJobsResult> {
  const stored = await getTemplate(input.templateId, input.principal, deps);
  const checked = templateVideosBodySchema.safeParse(input.body ?? {});
  if (!checked.success) {
    throw new ValidationError(
      "the request has problems",
      checked.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const defaults = variablesSchema.safeParse(stored.template.variables ?? {});
  return createTemplateJobs(deps, {
    body: checked.data,
    rawBody: input.rawBody,
    principal: input.principal,
    ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
    template: {
      id: stored.id,
      project: stored.template,
      ...(defaults.success ? { defaults: defaults.data as Variables } : {}),
    },
  });
}
