/**
 * A one-pass, non-recursive JSON syntax check. V8's JSON.parse often names no position
 * ("Unexpected token '}'"), and nothing bounds nesting: the validators that run after parsing
 * walk the value recursively, so a body of a million `[` must be refused before it is parsed.
 */
export interface JsonSyntaxError {
  kind: "syntax" | "depth";
  position: number;
  line: number;
  column: number;
  message: string;
}

const OBJECT = 0;
const ARRAY = 1;
type Expect = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "end";

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX4 = /[0-9a-fA-F]{4}/y;

export function checkJsonSyntax(text: string, maxDepth: number): JsonSyntaxError | undefined {
  const stack: number[] = [];
  let expect: Expect = "value";
  let i = 0;
  const fail = (kind: JsonSyntaxError["kind"], at: number, message: string) =>
    locate(text, kind, at, message);
  const afterValue = (): Expect => (stack.length > 0 ? "comma-or-close" : "end");

  for (;;) {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
    if (i >= text.length) return expect === "end" ? undefined : fail("syntax", i, "unexpected end of input");
    const c = text.charAt(i);

    if (expect === "end") return fail("syntax", i, `unexpected '${c}' after the JSON value`);
    if (expect === "colon") {
      if (c !== ":") return fail("syntax", i, "expected ':' after the property name");
      i++;
      expect = "value";
      continue;
    }
    const top = stack.at(-1);
    if (expect === "comma-or-close") {
      if (c === ",") {
        i++;
        expect = top === OBJECT ? "key" : "value";
      } else if ((c === "}" && top === OBJECT) || (c === "]" && top === ARRAY)) {
        stack.pop();
        i++;
        expect = afterValue();
      } else return fail("syntax", i, `expected ',' or '${top === OBJECT ? "}" : "]"}', got '${c}'`);
      continue;
    }
    if ((expect === "key-or-close" && c === "}") || (expect === "value-or-close" && c === "]")) {
      stack.pop();
      i++;
      expect = afterValue();
      continue;
    }
    if (expect === "key" || expect === "key-or-close") {
      if (c !== '"') return fail("syntax", i, `expected a property name in double quotes, got '${c}'`);
      const end = scanString(text, i);
      if (typeof end !== "number") return fail("syntax", end.at, end.message);
      i = end;
      expect = "colon";
      continue;
    }
    // A value.
    if (c === "{" || c === "[") {
      stack.push(c === "{" ? OBJECT : ARRAY);
      if (stack.length > maxDepth) return fail("depth", i, `nesting is deeper than ${maxDepth} levels`);
      i++;
      expect = c === "{" ? "key-or-close" : "value-or-close";
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i);
      if (typeof end !== "number") return fail("syntax", end.at, end.message);
      i = end;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return fail("syntax", i, "invalid number");
      i = NUMBER.lastIndex;
    } else {
      const literal = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (!literal) return fail("syntax", i, `unexpected '${c}'`);
      i += literal.length;
    }
    expect = afterValue();
  }
}

/** Index after the closing quote of the string starting at `start`, or where and why it is broken. */
function scanString(text: string, start: number): number | { at: number; message: string } {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { at: i, message: "control character inside a string (escape it)" };
    if (code === 0x5c) {
      const next = text.charAt(i + 1);
      if (next === "u") {
        HEX4.lastIndex = i + 2;
        if (!HEX4.test(text)) return { at: i, message: "invalid \\u escape" };
        i += 5;
      } else if (ESCAPES.has(next)) i++;
      else return { at: i, message: "invalid escape in a string" };
    }
  }
  return { at: text.length, message: "unterminated string" };
}

function locate(
  text: string,
  kind: JsonSyntaxError["kind"],
  position: number,
  message: string,
): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { kind, position, line, column: position - lineStart + 1, message };
}
