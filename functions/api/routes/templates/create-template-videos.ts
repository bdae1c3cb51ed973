import { z } from "zod";
import { ValidationError } from "../../../core/errors.js";
import { formatPath } from "../../../core/schema/format-path.js";
import { dataSchema, variablesSchema } from "../../../core/schema/template-schema.js";
import { createTemplateJobs } from "../../../core/templates/create-template-jobs.js";
import type { Variables } from "../../../core/templates/expand-template.js";
import { getTemplate } from "../../../core/templates/stored-templates.js";
import { callerOf } from "../../api-request.js";
import { defineRoute } from "../../define-route.js";
import { IDEMPOTENCY_KEY, idempotencyKeyOf } from "../../idempotency-key.js";
import { jsonRequestBody } from "../../json-request-body.js";
import { TEMPLATE_ID_DOC, templateIdParam } from "../../template-id-param.js";
import { createdResponse, jobCreatedSchema, jobsCreatedSchema } from "../create-videos.js";

const templateVideosBodySchema = z.strictObject({
  variables: variablesSchema.optional(),
  data: dataSchema.optional(),
  comment: z.string().optional(),
});

export const createTemplateVideosRoute = defineRoute({
  method: "POST",
  path: "/v1/templates/{id}/videos",
  json: true,
  doc: {
    tag: "templates",
    summary: "Render a stored template: one job with variables, or one job per data row",
    description:
      "Values: a row's over the request's variables over the template's own variables. A missing value is a 400 naming the placeholder (and the row); a value nothing uses is a job warning.",
    pathParams: TEMPLATE_ID_DOC,
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        schema: { type: "string", pattern: IDEMPOTENCY_KEY.source },
        description: "a repeat returns the same job(s); with data, each row is idempotent on its own",
      },
    ],
    requestBody: jsonRequestBody("TemplateVideosRequest", templateVideosBodySchema),
    responses: {
      202: {
        description: "queued; with data {jobs:[…]}, each with its row",
        body: [jobCreatedSchema, jobsCreatedSchema],
      },
    },
    errors: {
      400: "INVALID_JSON or VALIDATION_FAILED, with details[].path",
      404: "unknown template",
      409: "the Idempotency-Key was used with a different body (or row)",
    },
  },
  handle: async (req, deps) => {
    const principal = callerOf(req).principal;
    const stored = await getTemplate(templateIdParam(req), principal, deps);
    const body = req.body?.json ?? {};
    const checked = templateVideosBodySchema.safeParse(body);
    if (!checked.success) {
      throw new ValidationError(
        "the request has problems",
        checked.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      );
    }
    const idempotencyKey = idempotencyKeyOf(req);
    const defaults = variablesSchema.safeParse(stored.template.variables ?? {});
    const result = await createTemplateJobs(deps, {
      body: checked.data,
      rawBody: req.body?.text ?? "",
      principal,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      template: {
        id: stored.id,
        project: stored.template,
        ...(defaults.success ? { defaults: defaults.data as Variables } : {}),
      },
    });
    return createdResponse(req, result);
  },
});
