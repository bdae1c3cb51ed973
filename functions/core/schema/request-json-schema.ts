import { z } from "zod";
import { publishedRequestSchema } from "./template-schema.js";

type JsonObject = Record<string, unknown>;

let cached: JsonObject | undefined;

/**
 * The published JSON Schema of a request body, generated from the same zod schema that
 * validates requests. It describes what clients send (`io: "input"`): transforms such as the
 * subtitle position's aliases appear as their input type, and checks JSON Schema cannot express
 * (a src scheme refinement, cross-field rules) are enforced by the API only.
 */
export function requestJsonSchema(): JsonObject {
  if (!cached) {
    const generated = z.toJSONSchema(publishedRequestSchema, {
      target: "draft-2020-12",
      io: "input",
      unrepresentable: "any",
    }) as JsonObject;
    cached = Object.freeze({
      ...addHyphenAliases(generated),
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "VideoCraft video request",
      description:
        "One project, an array of projects (each its own job) or {scenes}. Keys may be written with '-' or '_' " +
        "(z-index = z_index), but not both spellings in one object. Any string may hold {{name}} placeholders, " +
        "filled from variables (or, with data, once per row: one job per row).",
    });
  }
  return cached;
}

/**
 * The zod schema holds the normalised `z_index` spelling; VideoCraft clients send `z-index`.
 * Every property with `_` gets its hyphenated twin so that both validate against the published
 * schema. Walks the whole tree (properties, items, unions, $defs).
 */
function addHyphenAliases(node: unknown): JsonObject {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) out[key] = walk(child);
    const props = out.properties;
    if (props && typeof props === "object" && !Array.isArray(props) && out.type === "object") {
      const withAliases: JsonObject = {};
      for (const [name, schema] of Object.entries(props)) {
        withAliases[name] = schema;
        if (name.includes("_")) withAliases[name.replaceAll("_", "-")] = schema;
      }
      out.properties = withAliases;
    }
    return out;
  };
  return walk(node) as JsonObject;
}
