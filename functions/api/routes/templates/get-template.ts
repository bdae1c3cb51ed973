import { getTemplate, templateSchema, templateView } from "../../../core/templates/stored-templates.js";
import { callerOf } from "../../api-request.js";
import { defineRoute } from "../../define-route.js";
import { json } from "../../http-response.js";
import { TEMPLATE_ID_DOC, templateIdParam } from "../../template-id-param.js";

export const getTemplateRoute = defineRoute({
  method: "GET",
  path: "/v1/templates/{id}",
  doc: {
    tag: "templates",
    summary: "A stored template, placeholders listed",
    pathParams: TEMPLATE_ID_DOC,
    responses: { 200: { description: "the template", body: templateSchema } },
    errors: { 404: "unknown template" },
  },
  handle: async (req, deps) =>
    json(200, templateView(await getTemplate(templateIdParam(req), callerOf(req).principal, deps))),
});
