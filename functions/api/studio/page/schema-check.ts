import { formatPath } from "../../../core/schema/format-path.js";
import type { PathSegment } from "./json-paths.js";

/**
 * The part of JSON Schema (draft 2020-12) that the request schema uses, checked as the page
 * types, and the lookups schema-driven completion needs. The API stays the judge: its dry run
 * reports the same problems (and those no schema can state) with the same paths a moment later.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  description?: string;
  default?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

export interface SchemaIssue {
  path: string;
  message: string;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(schema: JsonSchema, value: unknown): boolean {
  if (schema.type === undefined) return true;
  const actual = jsonType(value);
  const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
  return allowed.some((t) => t === actual || (t === "number" && actual === "integer"));
}

/** `#/$defs/Name` references, resolved against the root schema. */
function deref(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref && hops < 32; hops++) {
    const parts = s.$ref.replace(/^#\//, "").split("/");
    let target: unknown = root;
    for (const part of parts) target = (target as Record<string, unknown> | undefined)?.[part];
    s = (target as JsonSchema | undefined) ?? {};
  }
  return s;
}

/** The `type` const that tells the branches of a union apart (`video`, `audio`, …), if it has one. */
const discriminator = (schema: JsonSchema): unknown => schema.properties?.type?.const;

/**
 * The plain schemas (no anyOf/oneOf left) a value may be checked against: union branches of the
 * value's JSON type, narrowed by the value's `type` when the branches are told apart by it.
 * `value` undefined (not typed yet) keeps every branch.
 */
export function alternatives(root: JsonSchema, schema: JsonSchema, value?: unknown): JsonSchema[] {
  const s = deref(root, schema);
  const union = s.anyOf ?? s.oneOf;
  if (!union) return [s];
  let branches = union.flatMap((b) => alternatives(root, b, value));
  if (value === undefined) return branches;
  branches = branches.filter((b) => typeMatches(b, value));
  const tag = (value as { type?: unknown } | null)?.type;
  if (typeof tag === "string" && branches.some((b) => discriminator(b) !== undefined)) {
    const tagged = branches.filter((b) => discriminator(b) === tag);
    if (tagged.length > 0) return tagged;
  }
  return branches;
}

/** Every problem of `value` against `schema`, each at its path. */
export function checkAgainstSchema(root: JsonSchema, value: unknown): SchemaIssue[] {
  return check(root, root, value, []);
}

function check(root: JsonSchema, schema: JsonSchema, value: unknown, path: PathSegment[]): SchemaIssue[] {
  const s = deref(root, schema);
  const at = formatPath(path);
  const union = s.anyOf ?? s.oneOf;
  if (union) {
    const candidates = alternatives(root, s, value);
    if (candidates.length === 0) {
      const types = [...new Set(alternatives(root, s).flatMap((b) => b.type ?? []))];
      return [{ path: at, message: `expected ${types.join(" or ") || "another value"}` }];
    }
    const tag = (value as { type?: unknown } | null)?.type;
    const tagged = alternatives(root, s).filter((b) => discriminator(b) !== undefined);
    if (jsonType(value) === "object" && tagged.length > 0 && !tagged.some((b) => discriminator(b) === tag)) {
      const names = tagged.map((b) => String(discriminator(b))).join(", ");
      return [{ path: formatPath([...path, "type"]), message: `type must be one of ${names}` }];
    }
    let best: SchemaIssue[] | undefined;
    for (const branch of candidates) {
      const issues = check(root, branch, value, path);
      if (!best || issues.length < best.length) best = issues;
      if (issues.length === 0) break;
    }
    return best ?? [];
  }
  const issues: SchemaIssue[] = [];
  for (const part of s.allOf ?? []) issues.push(...check(root, part, value, path));
  if (!typeMatches(s, value)) {
    return [
      ...issues,
      { path: at, message: `expected ${[s.type].flat().join(" or ")}, got ${jsonType(value)}` },
    ];
  }
  if (s.const !== undefined && value !== s.const) {
    issues.push({ path: at, message: `must be ${JSON.stringify(s.const)}` });
  }
  if (s.enum && !s.enum.includes(value)) {
    issues.push({ path: at, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}` });
  }
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum)
      issues.push({ path: at, message: `must be at least ${s.minimum}` });
    if (s.maximum !== undefined && value > s.maximum)
      issues.push({ path: at, message: `must be at most ${s.maximum}` });
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) {
      issues.push({ path: at, message: `must be more than ${s.exclusiveMinimum}` });
    }
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) {
      issues.push({ path: at, message: `must be less than ${s.exclusiveMaximum}` });
    }
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) {
      issues.push({ path: at, message: `must be at least ${s.minLength} characters` });
    }
    if (s.maxLength !== undefined && value.length > s.maxLength) {
      issues.push({ path: at, message: `must be at most ${s.maxLength} characters` });
    }
    if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(value)) {
      issues.push({
        path: at,
        message: s.description ? `expected ${s.description}` : `must match ${s.pattern}`,
      });
    }
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) {
      issues.push({ path: at, message: `needs at least ${s.minItems} item${s.minItems === 1 ? "" : "s"}` });
    }
    if (s.maxItems !== undefined && value.length > s.maxItems) {
      issues.push({ path: at, message: `takes at most ${s.maxItems} items` });
    }
    const items = s.items;
    if (items)
      for (const [i, item] of value.entries()) issues.push(...check(root, items, item, [...path, i]));
  }
  if (jsonType(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) {
      if (!(key in object)) issues.push({ path: formatPath([...path, key]), message: `${key} is required` });
    }
    for (const [key, item] of Object.entries(object)) {
      const property = s.properties?.[key];
      if (property) issues.push(...check(root, property, item, [...path, key]));
      else if (s.additionalProperties === false) {
        issues.push({ path: formatPath([...path, key]), message: `unknown key '${key}'` });
      } else if (typeof s.additionalProperties === "object") {
        issues.push(...check(root, s.additionalProperties, item, [...path, key]));
      }
    }
  }
  return issues;
}

/**
 * The plain schemas that can describe the value at `path`, walking down from the root through
 * the document's own values (so an element's `type` picks its branch).
 */
export function schemasAt(root: JsonSchema, document: unknown, path: readonly PathSegment[]): JsonSchema[] {
  let current: { schema: JsonSchema; value: unknown }[] = [{ schema: root, value: document }];
  for (const segment of path) {
    const next: { schema: JsonSchema; value: unknown }[] = [];
    for (const { schema, value } of current) {
      const child = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
      for (const s of alternatives(root, schema, value)) {
        const sub =
          typeof segment === "number"
            ? s.items
            : (s.properties?.[segment] ??
              (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined));
        if (sub) next.push({ schema: sub, value: child });
      }
    }
    current = next;
  }
  return current.flatMap(({ schema, value }) => alternatives(root, schema, value));
}
