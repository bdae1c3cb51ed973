/** One comment of a source file: the line it starts on (1-based) and its text, markers included. */
export interface SourceComment {
  line: number;
  text: string;
}

/** Words after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORD = new Set([
  "return",
  "typeof",
  "instanceof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
]);

const WORD_CHAR = /[\w$]/;

/**
 * The comments of a TypeScript or JavaScript file. A small lexer rather than a regular expression
 * over the text, because `//` and `/*` also occur inside strings, template literals and regular
 * expressions (URLs, globs), and those are not comments. Whether a `/` starts a regular expression
 * is decided from the token before it, the way JavaScript tools without a full parser do.
 */
export function scriptComments(text: string): SourceComment[] {
  const comments: SourceComment[] = [];
  /** Open `${` nestings of template literals: the brace depth at which each one closes. */
  const templates: number[] = [];
  let depth = 0;
  let line = 1;
  let last = "";
  let lastWord = "";
  let i = 0;

  const advanceTo = (end: number) => {
    for (let k = i; k < end && k < text.length; k++) if (text[k] === "\n") line++;
    i = end;
  };
  const skipQuoted = (quote: string) => {
    let k = i + 1;
    while (k < text.length && text[k] !== quote && text[k] !== "\n") k += text[k] === "\\" ? 2 : 1;
    advanceTo(k + 1);
  };
  /** From just after a backtick or a closing `}` of `${…}`: to the closing backtick or the next `${`. */
  const skipTemplateText = () => {
    let k = i;
    while (k < text.length) {
      if (text[k] === "\\") k += 2;
      else if (text[k] === "`") {
        advanceTo(k + 1);
        return;
      } else if (text[k] === "$" && text[k + 1] === "{") {
        templates.push(depth);
        depth++;
        advanceTo(k + 2);
        return;
      } else k++;
    }
    advanceTo(k);
  };
  const skipRegex = () => {
    let k = i + 1;
    let inClass = false;
    while (k < text.length && text[k] !== "\n") {
      const c = text[k];
      if (c === "\\") k++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      k++;
    }
    k++;
    while (k < text.length && WORD_CHAR.test(text[k] ?? "")) k++;
    advanceTo(k);
  };
  const regexMayStart = () =>
    last === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(last) || REGEX_AFTER_WORD.has(lastWord);

  while (i < text.length) {
    const c = text[i] ?? "";
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      comments.push({ line, text: text.slice(i, stop) });
      i = stop;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      comments.push({ line, text: text.slice(i, stop) });
      advanceTo(stop);
      continue;
    }
    if (/\s/.test(c)) {
      advanceTo(i + 1);
      continue;
    }
    const regex = c === "/" && regexMayStart();
    lastWord = "";
    if (c === '"' || c === "'") {
      skipQuoted(c);
      last = c;
    } else if (c === "`") {
      advanceTo(i + 1);
      skipTemplateText();
      last = "`";
    } else if (regex) {
      skipRegex();
      last = "/re";
    } else if (WORD_CHAR.test(c)) {
      let k = i;
      while (k < text.length && WORD_CHAR.test(text[k] ?? "")) k++;
      lastWord = text.slice(i, k);
      last = "w";
      advanceTo(k);
    } else {
      if (c === "{") depth++;
      if (c === "}") {
        depth--;
        if (templates.at(-1) === depth) {
          templates.pop();
          advanceTo(i + 1);
          skipTemplateText();
          last = "`";
          continue;
        }
      }
      last = c;
      advanceTo(i + 1);
    }
  }
  return comments;
}

/** The comments of a shell script or Dockerfile: from a `#` at a line's start or after a space. */
export function hashComments(text: string): SourceComment[] {
  return text.split("\n").flatMap((content, index) => {
    const m = /(?:^|\s)(#(?!!).*)$/.exec(content);
    return m?.[1] ? [{ line: index + 1, text: m[1] }] : [];
  });
}
