import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateImage } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { closeServer } from "../support/close-server.js";
import { ffprobe } from "../support/media-probe.js";
import { runCli } from "../support/run-cli.js";

/**
 * The `videocraft` CLI as a user runs it (a child process through its bin script) against the
 * local service over HTTP, including through a path prefix the way a deployed stage URL looks
 * (`https://…/prod`), checking outputs and exit codes.
 */
let dir: string;
let service: LocalService;
let stage: http.Server;
let stageUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-cli-"));
  await generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: "#0000ff" });
  await writeFile(join(dir, "text.png"), "not an image\n".repeat(10));
  const project = (src: string) => ({
    width: 64,
    height: 64,
    fps: 10,
    quality: "draft",
    scenes: [{ duration: 0.2, elements: [{ type: "image", src: `file://${join(dir, src)}` }] }],
  });
  await writeFile(join(dir, "ok.json"), JSON.stringify(project("dot.png")));
  await writeFile(join(dir, "fails.json"), JSON.stringify(project("text.png")));
  await writeFile(
    join(dir, "invalid.json"),
    JSON.stringify({
      scenes: [{ duration: 1, elements: [{ type: "image", src: "file:///x.png", x: "left" }] }],
    }),
  );
  await writeFile(join(dir, "broken.json"), "{ not json");
  service = await startLocalService({
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir, VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" },
  });
  // A stand-in for API Gateway's stage prefix: /prod/v1/... is forwarded to the service's /v1/...
  const target = new URL(service.url);
  stage = http.createServer((req, res) => {
    const path = (req.url ?? "/").replace(/^\/prod(?=\/)/, "");
    if (path === req.url) {
      res.writeHead(404).end();
      return;
    }
    const forward = http.request(
      { host: target.hostname, port: target.port, path, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((r) => stage.listen(0, "127.0.0.1", r));
  stageUrl = `http://127.0.0.1:${(stage.address() as AddressInfo).port}/prod`;
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await closeServer(stage);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

const remote = () => ["--url", service.url, "--api-key", service.apiKey];

describe("videocraft CLI against the local service", () => {
  let completedId: string;

  it("submit --wait -o renders and downloads the video (exit 0, job id on stdout)", async () => {
    const out = join(dir, "out.mp4");
    const r = await cli([
      "submit",
      join(dir, "ok.json"),
      "--wait",
      "-o",
      out,
      "--interval",
      "200",
      ...remote(),
    ]);
    expect(r.stderr).toMatch(/completed/);
    expect(r.code).toBe(0);
    completedId = r.stdout.trim();
    expect(completedId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((await stat(out)).size).toBeGreaterThan(100);
    const probe = await ffprobe(out);
    expect(probe.streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 64, height: 64 });
  }, 120_000);

  it("submit -o with an array body downloads one video per project, named by index", async () => {
    const one = JSON.parse(await readFile(join(dir, "ok.json"), "utf8"));
    await writeFile(join(dir, "two.json"), JSON.stringify([one, one]));
    const out = join(dir, "pair", "clip.mp4");
    const r = await cli(["submit", join(dir, "two.json"), "-o", out, "--interval", "200", ...remote()]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
    for (const name of ["clip-1.mp4", "clip-2.mp4"]) {
      const probe = await ffprobe(join(dir, "pair", name));
      expect(probe.streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 64, height: 64 });
    }
  }, 120_000);

  it("submit refuses a leftover {{placeholder}} before sending anything", async () => {
    await writeFile(
      join(dir, "template.json"),
      JSON.stringify({
        scenes: [{ duration: 1, elements: [{ type: "image", src: "https://{{HOST}}/a.png" }] }],
      }),
    );
    const before = (await service.jobs.listIds()).length;
    const r = await cli(["submit", join(dir, "template.json"), ...remote()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenes\[0\]\.elements\[0\]\.src: unresolved placeholder \{\{HOST\}\}/);
    expect((await service.jobs.listIds()).length).toBe(before);
  }, 60_000);

  it("status prints the job (text and --json); download fetches it again", async () => {
    const text = await cli(["status", completedId, ...remote()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/status\s+completed \(100%\)/);
    const json = await cli(["status", completedId, "--json", ...remote()]);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: completedId, status: "completed", progress: 100 });

    const again = join(dir, "again.mp4");
    const dl = await cli(["download", completedId, "-o", again, ...remote()]);
    expect(dl.code).toBe(0);
    expect(await readFile(again)).toEqual(await readFile(join(dir, "out.mp4")));
  }, 60_000);

  it("reads --url and --api-key from VIDEOCRAFT_URL / VIDEOCRAFT_API_KEY, and works under a stage path", async () => {
    const r = await cli(["status", completedId, "--json"], {
      VIDEOCRAFT_URL: stageUrl,
      VIDEOCRAFT_API_KEY: service.apiKey,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).id).toBe(completedId);
    const submitted = await cli([
      "submit",
      join(dir, "ok.json"),
      "--url",
      stageUrl,
      "--api-key",
      service.apiKey,
    ]);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout.trim()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  }, 60_000);

  it("exits 1 when the job fails, with its error code", async () => {
    const r = await cli(["submit", join(dir, "fails.json"), "--wait", "--interval", "200", ...remote()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: SOURCE_INVALID_MEDIA/);
  }, 120_000);

  it("exits 3 for an unknown job, 4 for a wrong key, 5 when the API is unreachable", async () => {
    const unknown = await cli(["status", "01JABCDEFGHJKMNPQRSTVWXYZA", ...remote()]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/NOT_FOUND/);
    const wrongKey = await cli(["status", completedId, "--url", service.url, "--api-key", "x".repeat(24)]);
    expect(wrongKey.code).toBe(4);
    const down = await cli(["status", completedId, "--url", "http://127.0.0.1:9/prod", "--api-key", "k"]);
    expect(down.code).toBe(5);
    const noUrl = await cli(["status", completedId]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/VIDEOCRAFT_URL/);
  }, 60_000);

  it("exits 2 with each problem's path for an invalid request, locally and from the API", async () => {
    const local = await cli(["validate", join(dir, "invalid.json")]);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/scenes\[0\]\.elements\[0\]\.x: /);
    const broken = await cli(["validate", join(dir, "broken.json")]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not valid JSON/);
    const server = await cli(["submit", join(dir, "invalid.json"), ...remote()]);
    expect(server.code).toBe(2);
    expect(server.stderr).toMatch(/VALIDATION_FAILED/);
    expect(server.stderr).toMatch(/scenes\[0\]\.elements\[0\]\.x: /);
    // Local files are checked as render would: under VIDEOCRAFT_LOCAL_ALLOWED_DIR (default: cwd).
    const valid = await cli(["validate", join(dir, "ok.json")], { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir });
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/valid: 1 project\(s\), 1 scene\(s\)/);
  }, 60_000);

  it("submit --dry-run prints the server's estimate and queues nothing", async () => {
    const before = (await service.jobs.listIds()).length;
    const r = await cli(["submit", join(dir, "ok.json"), "--dry-run", ...remote()]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ dry_run: true, projects: [{ total_duration_seconds: 0.2 }] });
    expect((await service.jobs.listIds()).length).toBe(before);
  }, 60_000);
});
