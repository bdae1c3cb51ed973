import { listTemplates, templateListSchema } from "../../../core/templates/stored-templates.js";
import { callerOf } from "../../api-request.js";
import { defineRoute } from "../../define-route.js";
import { json } from "../../http-response.js";

export const listTemplatesRoute = defineRoute({
  method: "GET",
  path: "/v1/templates",
  doc: {
    tag: "templates",
    summary: "The caller's templates, newest first, with cursor pagination",
    parameters: [
      { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
      { name: "cursor", in: "query", schema: { type: "string" } },
    ],
    responses: { 200: { description: "a page of templates", body: templateListSchema } },
    errors: { 400: "invalid query parameters" },
  },
  handle: async (req, deps) =>
    json(
      200,
      await listTemplates(callerOf(req).principal, deps, {
        limit: req.query.limit,
        cursor: req.query.cursor,
      }),
    ),
});
