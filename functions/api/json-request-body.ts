import { z } from "zod";
import type { RouteDoc } from "./define-route.js";

/**
 * A route's JSON request body, documented from the zod schema that validates it and published as
 * the component `component`. The schema's input side: what a client writes, so a field with a
 * default is optional.
 */
export function jsonRequestBody(component: string, schema: z.ZodType): NonNullable<RouteDoc["requestBody"]> {
  return { component, jsonSchema: () => z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown> };
}
