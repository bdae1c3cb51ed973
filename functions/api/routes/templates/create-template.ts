import {
  createTemplate,
  createTemplateBodySchema,
  templateSummarySchema,
} from "../../../core/templates/stored-templates.js";
import { callerOf } from "../../api-request.js";
import { defineRoute } from "../../define-route.js";
import { json } from "../../http-response.js";
import { jsonRequestBody } from "../../json-request-body.js";

export const createTemplateRoute = defineRoute({
  method: "POST",
  path: "/v1/templates",
  json: true,
  doc: {
    tag: "templates",
    summary: "Store a template: a project with {{placeholders}}, rendered later with variables or data rows",
    description:
      "Checked as far as it can be before its values are known; kept until deleted (no retention rule covers templates).",
    requestBody: jsonRequestBody("TemplateRequest", createTemplateBodySchema),
    responses: { 201: { description: "stored", body: templateSummarySchema } },
    errors: { 400: "INVALID_JSON or VALIDATION_FAILED, with details[].path" },
  },
  handle: async (req, deps) => {
    const created = await createTemplate(req.body?.json, callerOf(req).principal, deps);
    return json(201, created, { Location: `${req.basePath}/v1/templates/${created.id}` });
  },
});
