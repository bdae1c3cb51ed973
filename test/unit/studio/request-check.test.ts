import { CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { json } from "@codemirror/lang-json";
import { ensureSyntaxTree } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../../functions/api/middlewares/json-body.js";
import { locatePath, parsePath } from "../../../functions/api/studio/page/json-paths.js";
import {
  checkLocally,
  diagnosticsFor,
  mergeProblems,
  PAGE_MAX_JSON_DEPTH,
} from "../../../functions/api/studio/page/request-check.js";
import { checkAgainstSchema, type JsonSchema } from "../../../functions/api/studio/page/schema-check.js";
import { schemaCompletion } from "../../../functions/api/studio/page/schema-completion.js";
import { validateRequestBody } from "../../../functions/core/jobs/validate-request.js";
import { requestJsonSchema } from "../../../functions/core/schema/request-json-schema.js";
import { createTestApi } from "../api/test-api.js";

const schema = requestJsonSchema() as JsonSchema;
const request = {
  width: 640,
  height: 360,
  scenes: [
    {
      duration: 2,
      elements: [
        { type: "video", src: "https://example.com/a.mp4", "z-index": 1 },
        { type: "image", src: "https://example.com/b.png", resize: "contain" },
      ],
    },
  ],
};
const text = JSON.stringify(request, null, 2);

describe("error paths → places in the text", () => {
  it("parses the API's paths, batch prefixes included", () => {
    expect(parsePath("scenes[0].elements[2].src")).toEqual(["scenes", 0, "elements", 2, "src"]);
    expect(parsePath("[1].scenes[0]")).toEqual([1, "scenes", 0]);
    expect(parsePath("")).toEqual([]);
  });

  it("marks the whole property for a key, the first line of an object, and the deepest existing part of a missing path", () => {
    const at = (path: string) => {
      const l = locatePath(text, path);
      return { text: text.slice(l.from, l.to), exact: l.exact };
    };
    expect(at("scenes[0].elements[1].resize")).toEqual({ text: '"resize": "contain"', exact: true });
    expect(at("scenes[0].elements[0]")).toEqual({ text: "{", exact: true });
    expect(at("scenes[0].elements[0].z-index")).toEqual({ text: '"z-index": 1', exact: true });
    // A required key that is missing: its element is marked.
    expect(at("scenes[0].elements[1].x")).toEqual({ text: "{", exact: false });
    expect(at("scenes[0].elements[1]").text).toBe("{");
    expect(locatePath(text, "scenes[0].elements[1].x").from).toBe(
      text.lastIndexOf("{", text.indexOf('"type": "image"')),
    );
  });

  it("still finds paths while the text is half typed", () => {
    const broken = text.replace('"resize": "contain"', '"resize": "contain", "fo');
    expect(broken.slice(locatePath(broken, "scenes[0].elements[0].src").from).startsWith('"src"')).toBe(true);
  });
});

describe("the page's schema check", () => {
  it("accepts what the API accepts", () => {
    expect(() => validateRequestBody(request, createTestApi().config)).not.toThrow();
    expect(checkAgainstSchema(schema, request)).toEqual([]);
  });

  it("reports a misspelt key, a wrong enum and a missing src at the API's paths and in its words", async () => {
    const bad = JSON.parse(text);
    bad.scenes[0].elements[1].resise = "contain";
    delete bad.scenes[0].elements[1].resize;
    bad.scenes[0].elements[0] = { type: "video", "z-index": 1 };
    bad.fps = 500;
    const local = checkAgainstSchema(schema, bad);
    expect(local).toEqual(
      expect.arrayContaining([
        { path: "scenes[0].elements[1].resise", message: "unknown key 'resise'" },
        { path: "scenes[0].elements[0].src", message: "src is required" },
        { path: "fps", message: "must be at most 60" },
      ]),
    );
    const api = await createTestApi().call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: bad,
    });
    const apiPaths = api.json.error.details.map((d: { path: string }) => d.path);
    for (const issue of local) expect(apiPaths).toContain(issue.path);
  });

  it("names the allowed element types when the type is unknown", () => {
    const bad = {
      scenes: [{ duration: 1, elements: [{ type: "vidoe", src: "https://example.com/a.mp4" }] }],
    };
    expect(checkAgainstSchema(schema, bad)).toEqual([
      {
        path: "scenes[0].elements[0].type",
        message: "type must be one of video, audio, image, subtitles, text",
      },
    ]);
  });

  it("reports JSON syntax at the API's position and nests no deeper than the API allows", () => {
    expect(PAGE_MAX_JSON_DEPTH).toBe(MAX_JSON_DEPTH);
    const { problems } = checkLocally('{"scenes": [}', schema);
    expect(problems).toEqual([expect.objectContaining({ source: "syntax", position: 12 })]);
    expect(diagnosticsFor('{"scenes": [}', problems)[0]).toMatchObject({ from: 12, to: 13 });
  });

  it("lets the API's message win where both name a path", () => {
    const merged = mergeProblems(
      [
        { path: "a", message: "page", source: "schema" },
        { path: "b", message: "page only", source: "schema" },
      ],
      [{ path: "a", message: "api", source: "api" }],
    );
    expect(merged.map((p) => p.message)).toEqual(["api", "page only"]);
  });
});

describe("schema completion", () => {
  const complete = (doc: string, explicit = true): CompletionResult | null => {
    const pos = doc.indexOf("|");
    const state = EditorState.create({ doc: doc.replace("|", ""), extensions: [json()] });
    ensureSyntaxTree(state, state.doc.length, 5000);
    return schemaCompletion(() => schema)(
      new CompletionContext(state, pos, explicit),
    ) as CompletionResult | null;
  };
  const labels = (r: CompletionResult | null) => (r?.options ?? []).map((o) => o.label);

  it("offers the keys an element of its type may still take, in VideoCraft's hyphenated spelling", () => {
    const result = complete('{"scenes": [{"elements": [{"type": "audio", "src": "x", |}]}]}');
    expect(labels(result)).toEqual(expect.arrayContaining(["volume", "fade-in", "start"]));
    expect(labels(result)).not.toContain("fade_in");
    expect(labels(result)).not.toContain("src");
    // x/y belong to visual elements, not audio.
    expect(labels(result)).not.toContain("x");
  });

  it("offers the values an enum allows", () => {
    const result = complete('{"scenes": [{"elements": [{"type": "image", "src": "x", "resize": "|"}]}]}');
    expect(labels(result)).toEqual(['"cover"', '"contain"', '"stretch"', '"center"', '"fit"']);
  });

  it("offers project keys at the top level", () => {
    expect(labels(complete('{"scenes": [], "q|'))).toContain("quality");
  });
});
