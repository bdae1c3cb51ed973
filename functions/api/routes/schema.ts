import { z } from "zod";
import { requestJsonSchema } from "../../core/schema/request-json-schema.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";

export const schemaRoute = defineRoute({
  method: "GET",
  path: "/v1/schema",
  aliases: ["/api/v1/schema"],
  doc: {
    tag: "meta",
    summary: "The JSON Schema (draft 2020-12) of a request body",
    responses: { 200: { description: "the schema", body: z.looseObject({}) } },
  },
  handle: async () => json(200, requestJsonSchema()),
});
