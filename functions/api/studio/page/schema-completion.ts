import type {
  Completion,
  CompletionContext,
  CompletionResult,
  CompletionSource,
} from "@codemirror/autocomplete";
import { syntaxTree } from "@codemirror/language";
import type { SyntaxNode } from "@lezer/common";
import { nodeValue, pathOfNode, propertyKey, rootValue } from "./json-paths.js";
import { type JsonSchema, schemasAt } from "./schema-check.js";

const VALUE_NODES = new Set(["String", "Number", "True", "False", "Null"]);

/**
 * Completion from the request's JSON Schema: the keys an object may still take (with their
 * description), and the values a field allows (enums, constants, booleans).
 */
export function schemaCompletion(schema: () => JsonSchema | undefined): CompletionSource {
  return (ctx: CompletionContext): CompletionResult | null => {
    const root = schema();
    if (!root) return null;
    const text = ctx.state.doc.toString();
    const tree = syntaxTree(ctx.state);
    const node = tree.resolveInner(ctx.pos, -1);
    const document = nodeValue(rootValue(tree), text);

    const key = keyContext(node, ctx, text);
    if (key) {
      const path = pathOfNode(key.object, text);
      const present = new Set(Object.keys((nodeValue(key.object, text) as Record<string, unknown>) ?? {}));
      const options = keyOptions(schemasAt(root, document, path), present, key.quoted);
      return options.length > 0 ? { from: key.from, to: key.to, options, validFor: /^"?[\w-]*"?$/ } : null;
    }
    const value = valueContext(node, ctx);
    if (value) {
      const path = pathOfNode(value.property, text);
      const key = propertyKey(value.property, text);
      if (key !== undefined && path[path.length - 1] !== key) path.push(key);
      const options = valueOptions(schemasAt(root, document, path));
      return options.length > 0 ? { from: value.from, to: value.to, options } : null;
    }
    return null;
  };
}

/** Where a key is being typed: the object it goes into and the range the completion replaces. */
function keyContext(
  node: SyntaxNode,
  ctx: CompletionContext,
  text: string,
): { object: SyntaxNode; from: number; to: number; quoted: boolean } | undefined {
  if (node.name === "PropertyName" && node.parent?.parent?.name === "Object") {
    return { object: node.parent.parent, from: node.from, to: node.to, quoted: true };
  }
  const typed = ctx.matchBefore(/"?[\w-]*$/);
  const from = typed?.from ?? ctx.pos;
  const before = text.slice(0, from).trimEnd().at(-1);
  let object: SyntaxNode | null = node;
  while (object && object.name !== "Object") {
    if (object.name === "Array" || object.name === "Property") return undefined;
    object = object.parent;
  }
  if (!object || (before !== "{" && before !== ",")) return undefined;
  if (!ctx.explicit && (typed?.text ?? "") === "") return undefined;
  return { object, from, to: ctx.pos, quoted: false };
}

/** Where a value is being typed: its property and the range the completion replaces. */
function valueContext(
  node: SyntaxNode,
  ctx: CompletionContext,
): { property: SyntaxNode; from: number; to: number } | undefined {
  if (VALUE_NODES.has(node.name) && node.parent?.name === "Property") {
    return { property: node.parent, from: node.from, to: node.to };
  }
  const property =
    node.name === "Property" ? node : node.parent?.name === "Property" ? node.parent : undefined;
  if (!property) return undefined;
  const typed = ctx.matchBefore(/"?[\w-]*$/);
  return { property, from: typed?.from ?? ctx.pos, to: ctx.pos };
}

function keyOptions(schemas: JsonSchema[], present: Set<string>, quoted: boolean): Completion[] {
  const seen = new Map<string, Completion>();
  for (const s of schemas) {
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      // Both spellings are accepted; offer the hyphenated one VideoCraft's documents use.
      if (name.includes("_") && s.properties?.[name.replaceAll("_", "-")]) continue;
      if (present.has(name) || present.has(name.replaceAll("-", "_")) || seen.has(name)) continue;
      const required = s.required?.includes(name) ?? false;
      seen.set(name, {
        label: name,
        apply: quoted ? JSON.stringify(name) : `${JSON.stringify(name)}: `,
        type: "property",
        detail: [describeType(property), required ? "required" : ""].filter(Boolean).join(", "),
        ...(property.description ? { info: property.description } : {}),
        boost: required ? 10 : 0,
      });
    }
  }
  return [...seen.values()];
}

function valueOptions(schemas: JsonSchema[]): Completion[] {
  const values = new Set<string>();
  const visit = (s: JsonSchema) => {
    for (const v of s.enum ?? []) values.add(JSON.stringify(v));
    if (s.const !== undefined) values.add(JSON.stringify(s.const));
    if (s.type === "boolean") {
      values.add("true");
      values.add("false");
    }
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) visit(branch);
  };
  for (const s of schemas) visit(s);
  return [...values].map((label) => ({ label, type: "constant" }));
}

function describeType(s: JsonSchema): string {
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(" | ");
  const union = s.anyOf ?? s.oneOf;
  if (union) return [...new Set(union.map(describeType))].join(" | ");
  return [s.type ?? "any"].flat().join(" | ");
}
