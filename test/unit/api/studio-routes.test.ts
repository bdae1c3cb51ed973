import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_MEDIA } from "../../../functions/api/studio/studio-files.js";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import { buildStudio, type StudioBuild } from "../../../local/build-studio.js";
import { createTestApi, minimalProject, NOW } from "./test-api.js";

let root: string;
let built: StudioBuild;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vc-studio-routes-"));
  built = await buildStudio(join(root, "studio"));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const studioApi = () => createTestApi({ env: { VIDEOCRAFT_STUDIO_DIR: built.dir } });

describe("GET /studio", () => {
  it("serves the page without a key, linking its hashed assets under the stage, with a strict CSP", async () => {
    const res = await studioApi().call({ path: "/studio", stage: "/prod", auth: false });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text).toContain(`<script type="module" src="/prod/studio/assets/${built.js.name}"></script>`);
    expect(res.text).toContain('<meta name="videocraft-base" content="/prod">');
    const csp = res.headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(res.text).toContain(`<meta name="videocraft-style-nonce" content="${nonce}">`);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    // No inline script anywhere in the page.
    expect(res.text.match(/<script\b[^>]*>/g)).toEqual([expect.stringContaining(" src=")]);
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const again = await studioApi().call({ path: "/studio/", auth: false });
    expect(again.headers["content-security-policy"]).not.toContain(nonce);
  });

  it("serves the script and style with their types and a long cache, and nothing else", async () => {
    const api = studioApi();
    const js = await api.call({ path: `/studio/assets/${built.js.name}`, auth: false });
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(js.text.length).toBe(built.js.bytes);
    const css = await api.call({ path: `/studio/assets/${built.css.name}`, auth: false });
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    for (const name of ["..%2Fmanifest.json", "index.html", "app.js"]) {
      expect((await api.call({ path: `/studio/assets/${name}`, auth: false })).status).toBe(404);
    }
  });

  it("answers 404 where no studio is configured", async () => {
    const res = await createTestApi().call({ path: "/studio", auth: false });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("NOT_FOUND");
  });
});

describe("GET /v1/examples", () => {
  it("lists the repository's examples behind the key, placeholders resolved where local mode provided media", async () => {
    const api = studioApi();
    expect((await api.call({ path: "/v1/examples", auth: false })).status).toBe(401);
    const before = await api.call({ path: "/v1/examples" });
    const quick = before.json.examples.find((e: { name: string }) => e.name === "quick-preview");
    expect(quick).toMatchObject({ title: expect.stringMatching(/^Quick preview/), needs_media: true });
    await writeFile(
      join(built.dir, EXAMPLE_MEDIA),
      JSON.stringify({ "file://{{MEDIA}}/": "s3://videocraft-test/uploads/examples/" }),
    );
    const after = await api.call({ path: "/v1/examples" });
    const resolved = after.json.examples.find((e: { name: string }) => e.name === "quick-preview");
    expect(resolved.needs_media).toBe(false);
    expect(resolved.request.scenes[0].elements[0].src).toBe(
      "s3://videocraft-test/uploads/examples/background.mp4",
    );
  });
});

describe("GET /v1/jobs/{id}/request", () => {
  it("answers the stored request in a form POST /v1/videos takes again, without the webhook secret", async () => {
    const api = createTestApi();
    const body = {
      ...minimalProject(3),
      quality: "draft",
      webhook: { url: "https://hooks.example.com/x", secret: "s3cr3t-value-0123456789" },
    };
    const id = await api.createJob(body);
    const res = await api.call({ path: `/v1/jobs/${id}/request` });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ quality: "draft", webhook: { url: "https://hooks.example.com/x" } });
    expect(res.text).not.toContain("s3cr3t-value-0123456789");
    const again = await api.call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: res.json,
    });
    expect(again.status).toBe(200);
    expect(again.json.projects[0].project).toMatchObject({ draft: true, scenes: [{ duration: 3 }] });
    expect((await api.call({ path: "/v1/jobs/01JABCDEFGHJKMNPQRSTVWXYZ0/request" })).status).toBe(404);
  });

  it("writes a CRF quality back as the number", async () => {
    const api = createTestApi();
    const id = await api.createJob({ ...minimalProject(), quality: "high" });
    expect((await api.call({ path: `/v1/jobs/${id}/request` })).json.quality).toBe(18);
  });
});

describe("GET /v1/videos/{id}/poster", () => {
  it("answers a presigned link to the poster once it exists, 404 before", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    expect((await api.call({ path: `/v1/videos/${id}/poster` })).status).toBe(404);
    await api.store.putText(storageKeys.poster(id), "jpeg", "image/jpeg");
    const res = await api.call({ path: `/v1/videos/${id}/poster` });
    expect(res.status).toBe(200);
    expect(res.json.url).toContain(`videos/${id}.jpg`);
  });

  it("expires when the signing credentials do, if they end before the configured lifetime", async () => {
    const sessionEnd = new Date(NOW.getTime() + 10 * 60_000);
    const store = Object.assign(new InMemoryObjectStore(), { signingExpiry: async () => sessionEnd });
    const api = createTestApi({ store, env: { VIDEOCRAFT_PRESIGN_EXPIRES: "1h" } });
    const id = await api.createJob();
    await store.putText(storageKeys.poster(id), "jpeg", "image/jpeg");
    const res = await api.call({ path: `/v1/videos/${id}/poster` });
    expect(res.json.expires_at).toBe(sessionEnd.toISOString());
    store.signingExpiry = async () => new Date(NOW.getTime() + 6 * 3600_000);
    const later = await api.call({ path: `/v1/videos/${id}/poster` });
    expect(later.json.expires_at).toBe(new Date(NOW.getTime() + 3600_000).toISOString());
  });
});
