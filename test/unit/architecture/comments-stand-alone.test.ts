import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../infra/repo-root.js";
import { hashComments, type SourceComment, scriptComments } from "../../support/source-comments.js";

/**
 * A comment must make sense to someone who has only the repository: a citation of a product-spec
 * section, a style guide kept elsewhere or a tracker's issue number points at nothing they can open.
 * The reason belongs in the comment itself, or in docs/ with the comment pointing there.
 */
const CITATION = /SPEC ?§|SPEC\.md|[Ii]ssue ?#?[0-9]+|issues? [0-9]+|STYLE\.md/;

const SOURCE_DIRS = ["functions", "infra", "local", "bench", "scripts", "test", "layers", "examples"];
const SCRIPT_FILE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;
const HASH_FILE = /(?:\.sh|^Dockerfile)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    return SCRIPT_FILE.test(entry.name) || HASH_FILE.test(entry.name) ? [full] : [];
  });
}

function commentsOf(file: string): SourceComment[] {
  const text = readFileSync(file, "utf8");
  return SCRIPT_FILE.test(path.basename(file)) ? scriptComments(text) : hashComments(text);
}

const files = [
  ...SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(REPO_ROOT, dir))),
  ...readdirSync(REPO_ROOT)
    .filter((name) => SCRIPT_FILE.test(name))
    .map((name) => path.join(REPO_ROOT, name)),
];

describe("comments stand alone", () => {
  it("the scanner reads comments and only comments", () => {
    const sample = [
      "const url = 'https://example.com/a'; // line comment",
      'const glob = "src/**/*.ts";',
      "const re = /\\/\\/ not a comment [/*]/g;",
      "const half = total / 2; /* block",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text, placeholders included.
      "   comment */ const t = `a ${b ? `//${c}` : '/*'} d`; // after template",
      "if (x) return /\\//.test(y); // after regex",
    ].join("\n");
    expect(scriptComments(sample)).toEqual([
      { line: 1, text: "// line comment" },
      { line: 4, text: "/* block\n   comment */" },
      { line: 5, text: "// after template" },
      { line: 6, text: "// after regex" },
    ]);
    expect(hashComments("#!/bin/sh\n# why\nrun --flag # because\necho a#b")).toEqual([
      { line: 2, text: "# why" },
      { line: 3, text: "# because" },
    ]);
    // Guards the check below against a walk that silently finds nothing.
    expect(files.length).toBeGreaterThan(300);
    expect(files).toContain(path.join(REPO_ROOT, "layers/render-image/Dockerfile"));
  });

  it("no comment cites a spec section, an outside style guide or an issue number", () => {
    const found = files.flatMap((file) =>
      commentsOf(file).flatMap(({ line, text }) => {
        const m = CITATION.exec(text);
        if (!m) return [];
        const at = line + (text.slice(0, m.index).match(/\n/g)?.length ?? 0);
        return [`${path.relative(REPO_ROOT, file)}:${at}: …${m[0]}…`];
      }),
    );
    expect(found).toEqual([]);
  });
});
