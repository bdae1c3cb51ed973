import {
  renderStoredTemplate,
  templateVideosBodySchema,
} from "../../../core/templates/render-stored-template.js";
import { callerOf } from "../../api-request.js";
import { defineRoute } from "../../define-route.js";
import { IDEMPOTENCY_KEY, idempotencyKeyOf } from "../../idempotency-key.js";
import { jsonRequestBody } from "../../json-request-body.js";
import { TEMPLATE_ID_DOC, templateIdParam } from "../../template-id-param.js";
import { createdResponse, jobCreatedSchema, jobsCreatedSchema } from "../create-videos.js";

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
    const idempotencyKey = idempotencyKeyOf(req);
    const result = await renderStoredTemplate(deps, {
      templateId: templateIdParam(req),
      body: req.body?.json,
      rawBody: req.body?.text ?? "",
      principal: callerOf(req).principal,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    return createdResponse(req, result);
  },
});
