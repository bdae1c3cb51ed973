import { describe, expect, it } from "vitest";
import { JobStore } from "../../../functions/core/jobs/job-store.js";
import { KEPT_PREFIXES, RETENTION_RULES } from "../../../functions/core/jobs/retention-rules.js";
import { createTestApi } from "./test-api.js";

const KEY_B = "b".repeat(20);
const IMAGE = "https://example.com/{{picture}}.png";

/** A title card: the text and the picture come from variables. */
const template = (extra: Record<string, unknown> = {}) => ({
  width: 160,
  height: 90,
  scenes: [
    {
      duration: "{{seconds}}",
      elements: [
        { type: "image", src: IMAGE },
        { type: "text", text: "{{title}}", color: "{{color}}" },
      ],
    },
  ],
  ...extra,
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  path,
  body,
  headers,
});

async function storedRequest(api: ReturnType<typeof createTestApi>, id: string) {
  return new JobStore(api.store).getRequest(id);
}

describe("templates on POST /v1/videos", () => {
  it("fills placeholders from variables before validating, and warns about unused ones", async () => {
    const api = createTestApi();
    const res = await api.call(
      post("/v1/videos", {
        ...template(),
        variables: { seconds: 2, title: "Spring sale", color: "#FF0000", picture: "shoe", unused: "x" },
      }),
    );
    expect(res.status).toBe(202);
    const project = await storedRequest(api, res.json.id);
    expect(project?.scenes[0]?.duration).toBe(2);
    expect(project?.scenes[0]?.elements).toEqual([
      { type: "image", src: "https://example.com/shoe.png" },
      { type: "text", text: "Spring sale", color: "#FF0000" },
    ]);
    const job = await api.call({ method: "GET", path: `/v1/jobs/${res.json.id}` });
    expect(job.json.warnings).toEqual(["variables.unused: not used by any {{placeholder}} of the request"]);
  });

  it("validates substituted values like literal ones: no forbidden source, no bad colour", async () => {
    const api = createTestApi();
    const res = await api.call(
      post("/v1/videos", {
        ...template(),
        variables: { seconds: 2, title: "x", color: "red", picture: "x" },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details).toContainEqual({
      path: "scenes[0].elements[1].color",
      message: "expected a colour #RRGGBB or #RRGGBBAA",
    });
    const smuggled = await api.call(
      post("/v1/videos", {
        scenes: [{ duration: 1, elements: [{ type: "image", src: "{{src}}" }] }],
        variables: { src: "file:///etc/passwd" },
      }),
    );
    expect(smuggled.status).toBe(400);
    expect(smuggled.json.error.details[0].path).toBe("scenes[0].elements[0].src");
    expect(api.queue.messages).toHaveLength(0);
  });

  it("refuses a missing value with a 400 naming the placeholder and the row", async () => {
    const api = createTestApi();
    const res = await api.call(
      post("/v1/videos", {
        ...template(),
        variables: { seconds: 1, color: "#FFFFFF", picture: "a" },
        data: [{ title: "ok" }, { titel: "typo" }],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
    expect(res.json.error.details).toEqual([
      {
        path: "data[1].title",
        message:
          "unresolved placeholder {{title}} (used at scenes[0].elements[1].text): data[1] has no value for it and variables neither",
      },
    ]);
    expect(api.queue.messages).toHaveLength(0);
  });

  it("makes one job per data row, each with its row; 20 rows, 20 jobs", async () => {
    const api = createTestApi();
    const data = Array.from({ length: 20 }, (_, i) => ({ title: `Row ${i}`, picture: `p${i}` }));
    const res = await api.call(
      post("/v1/videos", { ...template(), variables: { seconds: 1, color: "#FFFFFF" }, data }),
    );
    expect(res.status).toBe(202);
    expect(res.json.jobs).toHaveLength(20);
    expect(res.json.jobs.map((j: { row: number }) => j.row)).toEqual(data.map((_, i) => i));
    expect(api.queue.messages).toHaveLength(20);
    for (const [i, job] of (res.json.jobs as { id: string }[]).entries()) {
      const project = await storedRequest(api, job.id);
      expect(project?.scenes[0]?.elements[1]).toMatchObject({ text: `Row ${i}` });
      expect(project?.scenes[0]?.elements[0]).toMatchObject({ src: `https://example.com/p${i}.png` });
      const view = await api.call({ method: "GET", path: `/v1/jobs/${job.id}` });
      expect(view.json.row).toBe(i);
    }
  });

  it("with an Idempotency-Key, each row is idempotent on its own", async () => {
    const api = createTestApi();
    const body = (rows: string[]) => ({
      ...template(),
      variables: { seconds: 1, color: "#FFFFFF", picture: "p" },
      data: rows.map((title) => ({ title })),
    });
    const first = await api.call(post("/v1/videos", body(["a", "b"]), { "Idempotency-Key": "batch-1" }));
    const again = await api.call(post("/v1/videos", body(["a", "b"]), { "Idempotency-Key": "batch-1" }));
    expect(again.json).toEqual(first.json);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(api.queue.messages).toHaveLength(2);

    // One more row: the first two are the same jobs, only the new one is created.
    const grown = await api.call(post("/v1/videos", body(["a", "b", "c"]), { "Idempotency-Key": "batch-1" }));
    expect(grown.status).toBe(202);
    expect(grown.json.jobs.slice(0, 2)).toEqual(first.json.jobs);
    expect(grown.json.jobs[2].row).toBe(2);
    expect(api.queue.messages).toHaveLength(3);

    // A row sent again with other content is a conflict, and nothing is created.
    const changed = await api.call(
      post("/v1/videos", body(["a", "B", "c", "d"]), { "Idempotency-Key": "batch-1" }),
    );
    expect(changed.status).toBe(409);
    expect(changed.json.error.message).toContain("data[1]");
    expect(api.queue.messages).toHaveLength(3);
  });

  it("dry-runs a batch as one project per row, nothing queued", async () => {
    const api = createTestApi();
    const res = await api.call({
      ...post("/v1/videos", {
        ...template(),
        variables: { seconds: 1, color: "#FFFFFF", picture: "p" },
        data: [{ title: "a" }, { title: "b" }],
      }),
      query: { dry_run: "true" },
    });
    expect(res.status).toBe(200);
    expect(
      res.json.projects.map(
        (p: { project: { scenes: { elements: { text?: string }[] }[] } }) =>
          p.project.scenes[0]?.elements[1]?.text,
      ),
    ).toEqual(["a", "b"]);
    expect(api.queue.messages).toHaveLength(0);
  });

  it("documents the template routes in the OpenAPI document", async () => {
    const api = createTestApi();
    const doc = (await api.call({ method: "GET", path: "/v1/openapi.json" })).json;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/templates", "/v1/templates/{id}", "/v1/templates/{id}/videos"]),
    );
    expect(doc.paths["/v1/templates/{id}/videos"].post.responses["202"]).toBeDefined();
  });

  it("publishes variables and data in the request's JSON Schema", async () => {
    const api = createTestApi();
    const schema = (await api.call({ method: "GET", path: "/v1/schema" })).json;
    const objectBranch = schema.anyOf.find((s: { type?: string }) => s.type === "object");
    expect(Object.keys(objectBranch.properties)).toEqual(
      expect.arrayContaining(["variables", "data", "text_style", "loudness", "output"]),
    );
  });
});

describe("stored templates", () => {
  it("stores, lists, shows, renders with data and deletes a template, for its owner only", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_API_KEYS: KEY_B } });
    const created = await api.call(
      post("/v1/templates", {
        name: "title card",
        template: template({ variables: { color: "#00FF00", seconds: 1 } }),
      }),
    );
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: "title card",
      placeholders: ["color", "picture", "seconds", "title"],
    });
    const { id } = created.json;
    expect(created.headers.Location ?? created.headers.location).toBe(`/v1/templates/${id}`);

    const listed = await api.call({ method: "GET", path: "/v1/templates" });
    expect(listed.json.templates.map((t: { id: string }) => t.id)).toEqual([id]);
    const shown = await api.call({ method: "GET", path: `/v1/templates/${id}` });
    expect(shown.json.template.scenes[0].elements[1].text).toBe("{{title}}");

    // Another key sees nothing of it.
    const asB = { "x-api-key": KEY_B };
    expect((await api.call({ method: "GET", path: `/v1/templates/${id}`, headers: asB })).status).toBe(404);
    expect((await api.call({ method: "GET", path: "/v1/templates", headers: asB })).json.templates).toEqual(
      [],
    );
    expect((await api.call(post(`/v1/templates/${id}/videos`, { variables: {} }, asB))).status).toBe(404);

    const rendered = await api.call(
      post(`/v1/templates/${id}/videos`, {
        data: [
          { title: "One", picture: "a" },
          { title: "Two", picture: "b", color: "#0000FF" },
        ],
      }),
    );
    expect(rendered.status).toBe(202);
    const [one, two] = rendered.json.jobs as { id: string }[];
    expect((await storedRequest(api, one!.id))?.scenes[0]?.elements[1]).toMatchObject({
      text: "One",
      color: "#00FF00",
    });
    expect((await storedRequest(api, two!.id))?.scenes[0]?.elements[1]).toMatchObject({
      text: "Two",
      color: "#0000FF",
    });
    const view = await api.call({ method: "GET", path: `/v1/jobs/${two!.id}` });
    expect(view.json).toMatchObject({ row: 1, template_id: id });

    const missing = await api.call(post(`/v1/templates/${id}/videos`, { variables: { picture: "a" } }));
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0]).toMatchObject({ path: "scenes[0].elements[1].text" });

    expect((await api.call({ method: "DELETE", path: `/v1/templates/${id}`, headers: asB })).status).toBe(
      404,
    );
    expect((await api.call({ method: "DELETE", path: `/v1/templates/${id}` })).status).toBe(204);
    expect((await api.call({ method: "GET", path: `/v1/templates/${id}` })).status).toBe(404);
    expect(await api.store.list("templates/")).toEqual({ keys: [], prefixes: [] });
  });

  it("checks a template as far as it can before its values are known", async () => {
    const api = createTestApi();
    const res = await api.call(
      post("/v1/templates", {
        template: {
          scenes: [{ duration: "{{seconds}}", elements: [{ type: "text", text: "{{t}}", colour: "#fff" }] }],
          data: [{}],
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual(
      expect.arrayContaining([
        {
          path: "template.data",
          message: expect.stringContaining("data belongs in POST /v1/templates/{id}/videos"),
        },
        { path: "template.scenes[0].elements[0].colour", message: "unknown key 'colour'" },
      ]),
    );
    // The placeholder fields themselves (a string where a number goes) are not problems yet.
    expect(res.json.error.details.map((d: { path: string }) => d.path)).not.toContain(
      "template.scenes[0].duration",
    );
  });

  it("keeps templates until deleted: no retention rule covers templates/", () => {
    expect(KEPT_PREFIXES).toEqual(["templates/"]);
    for (const rule of RETENTION_RULES) {
      expect("templates/x".startsWith(rule.prefix) || rule.prefix.startsWith("templates/")).toBe(false);
    }
  });
});
