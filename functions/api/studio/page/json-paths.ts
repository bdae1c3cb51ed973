import type { SyntaxNode, Tree } from "@lezer/common";
import { parser } from "@lezer/json";

/**
 * Between the API's error paths (`scenes[0].elements[2].src`) and places in the editor's text,
 * over Lezer's JSON syntax tree, which stays usable while the text is half typed.
 */

export type PathSegment = string | number;

/**
 * `scenes[0].elements[2].src` → `["scenes", 0, "elements", 2, "src"]`; `""` → `[]`. The inverse
 * of the API's own formatPath (core/schema/format-path.ts), which the page uses to write paths.
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const m of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    segments.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? ""));
  }
  return segments;
}

export const parseJsonTree = (text: string): Tree => parser.parse(text);

const VALUE_NODES = new Set(["Object", "Array", "String", "Number", "True", "False", "Null"]);

/** The children of an Object (Property nodes) or an Array (value nodes), skipping punctuation. */
function entries(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (node.name === "Object" ? child.name === "Property" : VALUE_NODES.has(child.name)) out.push(child);
  }
  return out;
}

/** A property's key, decoded; undefined while it is not a complete string. */
export function propertyKey(property: SyntaxNode, text: string): string | undefined {
  const name = property.getChild("PropertyName");
  if (!name) return undefined;
  try {
    const key: unknown = JSON.parse(text.slice(name.from, name.to));
    return typeof key === "string" ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A property's value node (what follows the colon). */
export function propertyValue(property: SyntaxNode): SyntaxNode | undefined {
  let value: SyntaxNode | undefined;
  for (let child = property.firstChild; child; child = child.nextSibling) {
    if (VALUE_NODES.has(child.name)) value = child;
  }
  return value;
}

export function rootValue(tree: Tree): SyntaxNode | undefined {
  for (let child = tree.topNode.firstChild; child; child = child.nextSibling) {
    if (VALUE_NODES.has(child.name)) return child;
  }
  return undefined;
}

export interface PathLocation {
  from: number;
  to: number;
  /** Whether the whole path exists; if not, the range marks the deepest part that does. */
  exact: boolean;
}

/**
 * Where a path's field is in the text: the whole `"key": value` for an object key, the element for
 * an array index, only the first line of a value that spans several. A path that goes beyond the
 * text (a required key that is missing) marks the deepest object that exists, at its first line.
 */
export function locatePath(text: string, path: string, tree: Tree = parseJsonTree(text)): PathLocation {
  let node = rootValue(tree);
  if (!node) return { from: 0, to: Math.min(text.length, 1), exact: false };
  let marked: SyntaxNode = node;
  let exact = true;
  for (const segment of parsePath(path)) {
    let next: SyntaxNode | undefined;
    let mark: SyntaxNode | undefined;
    if (typeof segment === "string" && node.name === "Object") {
      const property = entries(node).find((p) => propertyKey(p, text) === segment);
      if (property) {
        next = propertyValue(property);
        mark = property;
      }
    } else if (typeof segment === "number" && node.name === "Array") {
      next = entries(node)[segment];
      mark = next;
    }
    if (!next || !mark) {
      exact = false;
      break;
    }
    node = next;
    marked = mark;
  }
  return { ...firstLine(text, marked.from, marked.to), exact };
}

function firstLine(text: string, from: number, to: number): { from: number; to: number } {
  const eol = text.indexOf("\n", from);
  return { from, to: eol >= 0 && eol < to ? eol : to };
}

/** The path of the value at a node (the value itself, or the property, key or string inside it). */
export function pathOfNode(node: SyntaxNode, text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let child: SyntaxNode = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.name === "Property" && child.name !== "PropertyName") {
      const key = propertyKey(parent, text);
      if (key !== undefined) segments.unshift(key);
    } else if (parent.name === "Array") {
      const index = entries(parent).findIndex((e) => e.from === child.from && e.to === child.to);
      if (index >= 0) segments.unshift(index);
    }
  }
  return segments;
}

/**
 * A node as a JavaScript value, as far as it is complete: unfinished properties and elements are
 * left out. Enough to read `type` of an element being typed, for schema choices.
 */
export function nodeValue(node: SyntaxNode | undefined, text: string): unknown {
  if (!node) return undefined;
  switch (node.name) {
    case "Object": {
      const out: Record<string, unknown> = {};
      for (const property of entries(node)) {
        const key = propertyKey(property, text);
        const value = propertyValue(property);
        if (key !== undefined && value) out[key] = nodeValue(value, text);
      }
      return out;
    }
    case "Array":
      return entries(node).map((e) => nodeValue(e, text));
    case "True":
      return true;
    case "False":
      return false;
    case "Null":
      return null;
    default:
      try {
        return JSON.parse(text.slice(node.from, node.to));
      } catch {
        return undefined;
      }
  }
}
