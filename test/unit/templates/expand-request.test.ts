import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../functions/core/errors.js";
import { expandRequest } from "../../../functions/core/templates/expand-request.js";
import { expandTemplate } from "../../../functions/core/templates/expand-template.js";

const scene = (text: string, extra: Record<string, unknown> = {}) => ({
  scenes: [{ duration: 2, elements: [{ type: "text", text, ...extra }] }],
});

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("expandTemplate", () => {
  it("fills placeholders in every string, a whole-string placeholder keeping the value's JSON type", () => {
    const out = expandTemplate(
      {
        fps: "{{fps}}",
        scenes: [
          {
            duration: "{{ seconds }}",
            elements: [{ type: "image", src: "https://cdn.example.com/{{file}}.png" }],
          },
        ],
        output: { poster: "{{poster}}" },
      },
      { fps: 25, seconds: 2.5, file: "shoe", poster: false },
    );
    expect(out.value).toEqual({
      fps: 25,
      scenes: [{ duration: 2.5, elements: [{ type: "image", src: "https://cdn.example.com/shoe.png" }] }],
      output: { poster: false },
    });
    expect(out.missing).toEqual([]);
    expect([...out.used].sort()).toEqual(["file", "fps", "poster", "seconds"]);
  });

  it("inserts a value as it is: a value holding a placeholder is not expanded again", () => {
    const out = expandTemplate({ text: "Hi {{name}}" }, { name: "{{secret}}", secret: "x" });
    expect(out.value).toEqual({ text: "Hi {{secret}}" });
    expect(out.used).toEqual(new Set(["name"]));
  });

  it("leaves comments and keys alone and names each string still missing a value", () => {
    const out = expandTemplate(
      { comment: "{{not-filled}}", "{{key}}": "{{a}} and {{b}} and {{a}}", list: ["{{c}}"] },
      {},
    );
    expect(out.value).toEqual({
      comment: "{{not-filled}}",
      "{{key}}": "{{a}} and {{b}} and {{a}}",
      list: ["{{c}}"],
    });
    expect(out.missing).toEqual([
      { path: "{{key}}", placeholders: ["{{a}}", "{{b}}"], names: ["a", "b"] },
      { path: "list[0]", placeholders: ["{{c}}"], names: ["c"] },
    ]);
  });

  it("reports a {{…}} whose inside is not a name", () => {
    expect(expandTemplate({ t: "{{ two words }}" }, {}).invalid).toEqual([
      { path: "t", placeholder: "{{ two words }}" },
    ]);
  });
});

describe("expandRequest", () => {
  it("fills a project from its variables and drops the key; unused variables become warnings", () => {
    const out = expandRequest(
      { ...scene("Hello {{name}}"), variables: { name: "Ada", spare: 1 } },
      { maxRows: 20 },
    );
    expect(out).toEqual({
      kind: "single",
      body: scene("Hello Ada"),
      warnings: ["variables.spare: not used by any {{placeholder}} of the request"],
    });
  });

  it("makes one project per data row, each row's values over the shared variables", () => {
    const out = expandRequest(
      {
        ...scene("{{greeting}}, {{name}}"),
        variables: { greeting: "Hello" },
        data: [{ name: "Ada" }, { name: "Bo", greeting: "Hej", extra: true }],
      },
      { maxRows: 20 },
    );
    expect(out).toEqual({
      kind: "rows",
      rows: [
        { row: 0, body: scene("Hello, Ada"), warnings: [] },
        {
          row: 1,
          body: scene("Hej, Bo"),
          warnings: ["data[1].extra: not used by any {{placeholder}} of the request"],
        },
      ],
    });
  });

  it("refuses a missing value naming the placeholder and the row", () => {
    const e = refusal(() =>
      expandRequest({ ...scene("{{title}}"), data: [{ title: "A" }, { other: "B" }] }, { maxRows: 20 }),
    );
    expect(e.details).toEqual([
      {
        path: "data[1].title",
        message:
          "unresolved placeholder {{title}} (used at scenes[0].elements[0].text): data[1] has no value for it and variables neither",
      },
    ]);
  });

  it("refuses a missing value without rows at the field that holds it", () => {
    const e = refusal(() => expandRequest(scene("{{title}}"), { maxRows: 20 }));
    expect(e.details).toEqual([
      {
        path: "scenes[0].elements[0].text",
        message: "unresolved placeholder {{title}}: give it a value in variables",
      },
    ]);
  });

  it("checks variables and rows: names, value types, row count", () => {
    const e = refusal(() =>
      expandRequest(
        { ...scene("x"), variables: { "bad name": 1, ok: { nested: true } }, data: [{}, {}, {}] },
        { maxRows: 2 },
      ),
    );
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(["variables.bad name", "variables.ok", "data"]),
    );
    expect(e.details.find((d) => d.path === "data")?.message).toBe("at most 2 rows per request, got 3");
  });

  it("gives each project of an array its own variables, and refuses data there", () => {
    const out = expandRequest(
      [
        { ...scene("{{a}}"), variables: { a: "one" } },
        { ...scene("{{a}}"), variables: { a: "two" } },
      ],
      { maxRows: 20 },
    );
    expect(out).toEqual({ kind: "single", body: [scene("one"), scene("two")], warnings: [] });
    const e = refusal(() => expandRequest([{ ...scene("x"), data: [{}] }], { maxRows: 20 }));
    expect(e.details[0]?.path).toBe("[0].data");
  });

  it("takes a stored template's defaults under the request's values", () => {
    const out = expandRequest(scene("{{a}} {{b}}"), {
      maxRows: 20,
      defaults: { a: "default-a", b: "default-b" },
      given: { variables: { b: "given-b" } },
    });
    expect(out).toMatchObject({ kind: "single", body: scene("default-a given-b") });
  });
});
