import type { Diagnostic } from "@codemirror/lint";
import { checkJsonSyntax } from "../../json-syntax.js";
import { locatePath, parseJsonTree } from "./json-paths.js";
import { checkAgainstSchema, type JsonSchema } from "./schema-check.js";

/**
 * The API's nesting limit (middlewares/json-body.ts, which the page cannot import without the
 * server's error classes); a unit test keeps the two equal.
 */
export const PAGE_MAX_JSON_DEPTH = 64;

/** One problem of the request text, from whichever check found it. */
export interface Problem {
  path: string;
  message: string;
  /** `syntax` and `schema` are checked in the page as you type; `api` and `dry run` come from the API. */
  source: "syntax" | "schema" | "api" | "dry run";
  /** For syntax errors: the character position the parser stopped at. */
  position?: number;
}

/**
 * What the page can tell at once: the JSON syntax (the API's own checker, so positions agree) and,
 * for valid JSON, the schema. `value` is the parsed request when the syntax is valid.
 */
export function checkLocally(
  text: string,
  schema: JsonSchema | undefined,
): { value?: unknown; problems: Problem[] } {
  if (text.trim() === "") return { problems: [] };
  const bad = checkJsonSyntax(text, PAGE_MAX_JSON_DEPTH);
  if (bad) {
    return {
      problems: [
        {
          path: "",
          message: `${bad.message} (line ${bad.line}, column ${bad.column})`,
          source: "syntax",
          position: bad.position,
        },
      ],
    };
  }
  const value: unknown = JSON.parse(text);
  const problems: Problem[] = schema
    ? checkAgainstSchema(schema, value).map((i) => ({ ...i, source: "schema" as const }))
    : [];
  return { value, problems };
}

/**
 * The page's problems and the API's together: the API is the judge, so where both name the same
 * path the API's message stays; the page's stand alone until the API has answered.
 */
export function mergeProblems(local: readonly Problem[], remote: readonly Problem[]): Problem[] {
  const remotePaths = new Set(remote.map((p) => p.path));
  return [...remote, ...local.filter((p) => p.source === "syntax" || !remotePaths.has(p.path))];
}

/** Each problem as an editor diagnostic at the text of its path. */
export function diagnosticsFor(text: string, problems: readonly Problem[]): Diagnostic[] {
  const tree = parseJsonTree(text);
  return problems.map((p) => {
    if (p.position !== undefined) {
      const from = Math.min(p.position, text.length);
      return {
        from,
        to: Math.min(from + 1, text.length),
        severity: "error",
        message: p.message,
        source: p.source,
      };
    }
    const at = locatePath(text, p.path, tree);
    return {
      from: at.from,
      to: Math.max(at.to, at.from),
      severity: "error",
      message: p.path ? `${p.path}: ${p.message}` : p.message,
      source: p.source,
    };
  });
}
