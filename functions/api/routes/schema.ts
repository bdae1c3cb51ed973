import { requestJsonSchema } from "../../core/schema/request-json-schema.js";
import { json } from "../http-response.js";
import type { RouteHandler } from "../router.js";

/** `GET /v1/schema`: the JSON Schema of a request body. */
export const schemaRoute: RouteHandler = async () => json(200, requestJsonSchema());
