import { formatPath } from "../schema/format-path.js";
import { setOwnKey } from "../schema/set-own-key.js";

/** What a placeholder may stand for: a JSON string, number or boolean. */
export type VariableValue = string | number | boolean;
export type Variables = Readonly<Record<string, VariableValue>>;

/** `{{name}}`, spaces inside the braces allowed; the name is looked up exactly as written. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export interface ExpandedTemplate {
  /** The template with every placeholder that has a value replaced; the template itself is not changed. */
  value: unknown;
  /** Strings holding placeholders without a value: their path and the placeholders as written. */
  missing: { path: string; placeholders: string[]; names: string[] }[];
  /** `{{…}}` whose inside is not a name. */
  invalid: { path: string; placeholder: string }[];
  /** Names that were used (had a value). */
  used: Set<string>;
  /** Paths of the strings that held any placeholder. */
  templated: string[];
}

/**
 * Fills a template's `{{name}}` placeholders from `variables`, in one pass: every string of the
 * template (a `src` as much as a caption), never object keys and never `comment`, which is free
 * text about the request. A string that is exactly one placeholder takes the value with its JSON
 * type (`"duration": "{{seconds}}"` becomes a number); a placeholder inside a longer string
 * becomes the value's text. A value is inserted as it is and never searched for placeholders
 * itself, so a variable cannot pull in another. The result is validated like any request: a value
 * passes the same schema and source rules as if it had been written there.
 */
export function expandTemplate(template: unknown, variables: Variables): ExpandedTemplate {
  const out: ExpandedTemplate = {
    value: undefined,
    missing: [],
    invalid: [],
    used: new Set(),
    templated: [],
  };
  const path: (string | number)[] = [];
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") return fill(value, variables, formatPath(path), out);
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        path.push(i);
        const filled = visit(item);
        path.pop();
        return filled;
      });
    }
    if (value === null || typeof value !== "object") return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      path.push(key);
      const filled = key === "comment" ? item : visit(item);
      path.pop();
      setOwnKey(copy, key, filled);
    }
    return copy;
  };
  out.value = visit(template);
  return out;
}

function fill(text: string, variables: Variables, path: string, out: ExpandedTemplate): VariableValue {
  const found = [...text.matchAll(PLACEHOLDER)];
  if (found.length === 0) return text;
  out.templated.push(path);
  const missing: string[] = [];
  const names: string[] = [];
  const lookup = (raw: string): VariableValue | undefined => {
    const name = raw.trim();
    if (!VARIABLE_NAME.test(name)) {
      out.invalid.push({ path, placeholder: `{{${raw}}}` });
      return undefined;
    }
    if (!Object.hasOwn(variables, name)) {
      if (!names.includes(name)) {
        missing.push(`{{${raw}}}`);
        names.push(name);
      }
      return undefined;
    }
    out.used.add(name);
    return variables[name];
  };
  const whole = found.length === 1 && found[0]?.[0] === text;
  let result: VariableValue = text;
  if (whole) {
    const v = lookup(found[0]?.[1] ?? "");
    if (v !== undefined) result = v;
  } else {
    result = text.replace(PLACEHOLDER, (token, raw: string) => {
      const v = lookup(raw);
      return v === undefined ? token : String(v);
    });
  }
  if (missing.length > 0) out.missing.push({ path, placeholders: missing, names });
  return result;
}
