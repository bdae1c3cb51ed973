import { deleteTemplate } from "../../../core/templates/stored-templates.js";
import { callerOf } from "../../api-request.js";
import { defineRoute } from "../../define-route.js";
import { noContent } from "../../http-response.js";
import { TEMPLATE_ID_DOC, templateIdParam } from "../../template-id-param.js";

export const deleteTemplateRoute = defineRoute({
  method: "DELETE",
  path: "/v1/templates/{id}",
  doc: {
    tag: "templates",
    summary: "Delete a stored template (jobs made from it are not affected)",
    pathParams: TEMPLATE_ID_DOC,
    responses: { 204: { description: "deleted" } },
    errors: { 404: "unknown template" },
  },
  handle: async (req, deps) => {
    await deleteTemplate(templateIdParam(req), callerOf(req).principal, deps);
    return noContent();
  },
});
