import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../functions/core/config.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import { sourceHeadProber } from "../../../functions/render/pipeline/probe-source-head.js";
import { generateTone, generateVideo } from "../../../local/generate-media.js";
import { createTestApi } from "./test-api.js";

const run = promisify(execFile);

/**
 * `?dry_run=true` probes sources over 127.0.0.1: one server honours Range, one ignores it.
 * Every byte written to a response body is counted per path, and every connection.
 */
let dir: string;
let ranged: http.Server;
let plain: http.Server;
let base = "";
let plainBase = "";
const served = new Map<string, number>();
let connections = 0;
const files = new Map<string, Buffer>();
/** Requests the servers received for `/stall.wav` (never answered). */
const stalled: string[] = [];

function serve(honourRange: boolean) {
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/stall.wav") {
      stalled.push(path);
      return; // never answers
    }
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const count = (chunk: Buffer) => served.set(path, (served.get(path) ?? 0) + chunk.length);
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (honourRange && m) {
      const start = Number(m[1]);
      const end = Math.min(m[2] ? Number(m[2]) : body.length - 1, body.length - 1);
      const part = body.subarray(start, end + 1);
      res.writeHead(206, {
        "content-range": `bytes ${start}-${end}/${body.length}`,
        "content-length": part.length,
        "content-type": "audio/wav",
      });
      count(part);
      res.end(part);
      return;
    }
    res.writeHead(200, { "content-length": body.length });
    // In 64 KiB pieces, so a client that hangs up early stops the count early.
    let at = 0;
    const pump = () => {
      while (at < body.length && !res.destroyed) {
        const piece = body.subarray(at, at + 65536);
        at += piece.length;
        count(piece);
        if (!res.write(piece)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
  server.on("connection", () => connections++);
  servers.push(server);
  return server;
}

const servers: http.Server[] = [];
const listen = (server: http.Server) =>
  new Promise<string>((done) =>
    server.listen(0, "127.0.0.1", () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dry-run-probe-"));
  await generateTone(join(dir, "short.wav"), { seconds: 1.5 });
  await generateTone(join(dir, "long.wav"), { seconds: 40 }); // ~7.7 MB at 48 kHz stereo s16
  // ~1.9 MB with its index (moov) at the end, as ffmpeg writes it by default, and the same with
  // the index moved to the front.
  await generateVideo(join(dir, "index-at-end.mp4"), { seconds: 6, width: 640, height: 480 });
  await run("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", join(dir, "index-at-end.mp4")],
    ...["-c", "copy", "-movflags", "+faststart", join(dir, "faststart.mp4")],
  ]);
  files.set("/short.wav", await readFile(join(dir, "short.wav")));
  files.set("/long.wav", await readFile(join(dir, "long.wav")));
  files.set("/notes.txt", Buffer.from("these are notes, not media\n".repeat(40)));
  files.set("/index-at-end.mp4", await readFile(join(dir, "index-at-end.mp4")));
  files.set("/faststart.mp4", await readFile(join(dir, "faststart.mp4")));
  ranged = serve(true);
  plain = serve(false);
  base = await listen(ranged);
  plainBase = await listen(plain);
}, 60_000);

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  ranged?.close();
  plain?.close();
  await rm(dir, { recursive: true, force: true });
});

const privateEnv = { VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true" };

async function dryRun(body: unknown, env: Record<string, string> = privateEnv) {
  const api = createTestApi({ env });
  const res = await api.call({ method: "POST", path: "/v1/videos", query: { dry_run: "true" }, body });
  expect(res.status).toBe(200);
  expect(api.queue.messages).toHaveLength(0);
  expect(api.memory.objects.size).toBe(0);
  return res.json.projects[0];
}

describe("dry run probing", () => {
  it("times audio scenes from probed sources, reading only the first MiB of a large file", async () => {
    served.clear();
    const p = await dryRun({
      scenes: [
        { id: "a", elements: [{ type: "audio", src: `${base}/short.wav` }] },
        { id: "b", elements: [{ type: "audio", src: `${base}/long.wav` }] },
        { id: "c", duration: 2, elements: [{ type: "audio", src: `${plainBase}/short.wav` }] },
      ],
    });
    expect(p.problems).toEqual([]);
    expect(p.notes).toBeUndefined();
    const [a, b, c] = p.scenes;
    expect(a.duration_seconds).toBeCloseTo(1.5, 1);
    expect(Math.abs(a.duration_seconds - 1.5)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(b.duration_seconds - 40)).toBeLessThanOrEqual(0.05);
    expect(c.duration_seconds).toBe(2);
    expect(p.total_duration_seconds).toBeCloseTo(a.duration_seconds + b.duration_seconds + 2, 5);
    const long = p.sources.find((s: { src: string }) => s.src.endsWith("/long.wav"));
    expect(long).toMatchObject({
      status: "probed",
      size_bytes: files.get("/long.wav")?.length,
      has_audio: true,
    });
    expect(long.paths).toEqual(["scenes[1].elements[0].src"]);
    expect(long.bytes_read).toBeLessThanOrEqual(1024 * 1024);
    expect(served.get("/long.wav")).toBeLessThanOrEqual(1024 * 1024);
    const viaPlain = p.sources.find((s: { src: string }) => s.src.startsWith(plainBase));
    expect(Math.abs(viaPlain.duration_seconds - 1.5)).toBeLessThanOrEqual(0.05);
    // 3 s fixed + 0.4 s per probed output second at the default 1080p30.
    expect(p.estimate.render_seconds).toBeGreaterThan(3 + 0.4 * 40);
  });

  it("probes a server that ignores Range by reading the head only", async () => {
    const p = await dryRun({
      scenes: [{ id: "b", elements: [{ type: "audio", src: `${plainBase}/long.wav` }] }],
    });
    expect(p.problems).toEqual([]);
    expect(Math.abs(p.scenes[0].duration_seconds - 40)).toBeLessThanOrEqual(0.05);
    expect(p.sources[0].bytes_read).toBeLessThanOrEqual(1024 * 1024);
    expect(p.sources[0].size_bytes).toBe(files.get("/long.wav")?.length);
  });

  it("reports an oversize source as SOURCE_TOO_LARGE at its path, without downloading it", async () => {
    served.clear();
    const p = await dryRun(
      {
        scenes: [
          {
            id: "a",
            duration: 1,
            elements: [
              { type: "audio", src: `${base}/short.wav` },
              { type: "audio", src: `${base}/long.wav` },
            ],
          },
        ],
      },
      { ...privateEnv, VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: String(2 * 1024 * 1024) },
    );
    expect(p.problems).toEqual([
      {
        path: "scenes[0].elements[1].src",
        code: "SOURCE_TOO_LARGE",
        message: expect.stringContaining("limit"),
      },
    ]);
    expect(served.get("/long.wav") ?? 0).toBeLessThanOrEqual(1024 * 1024);
  });

  it("reports a text file as SOURCE_INVALID_MEDIA", async () => {
    const p = await dryRun({
      scenes: [{ id: "a", duration: 1, elements: [{ type: "audio", src: `${base}/notes.txt` }] }],
    });
    expect(p.problems).toMatchObject([{ path: "scenes[0].elements[0].src", code: "SOURCE_INVALID_MEDIA" }]);
    expect(p.sources[0].status).toBe("failed");
  });

  it("reports a missing source as SOURCE_UNREACHABLE and leaves its scene out of the total", async () => {
    const p = await dryRun({
      scenes: [
        { id: "a", duration: 1, elements: [{ type: "audio", src: `${base}/short.wav` }] },
        { id: "b", elements: [{ type: "audio", src: `${base}/missing.wav` }] },
      ],
    });
    expect(p.problems).toMatchObject([{ path: "scenes[1].elements[0].src", code: "SOURCE_UNREACHABLE" }]);
    expect(p.scenes[1].duration_seconds).toBeNull();
    expect(p.total_duration_seconds).toBe(1);
    expect(p.notes[0]).toContain("b");
  });

  it("reports a video longer than the limit once the audio is probed", async () => {
    const p = await dryRun(
      { scenes: [{ id: "talk", elements: [{ type: "audio", src: `${base}/long.wav` }] }] },
      { ...privateEnv, VIDEOCRAFT_MAX_VIDEO_SECONDS: "30" },
    );
    expect(p.problems).toMatchObject([{ path: "scenes[0]", code: "SOURCE_TOO_LARGE" }]);
  });

  it("with private sources off, reports 127.0.0.1 as SOURCE_FORBIDDEN without connecting", async () => {
    const before = connections;
    const p = await dryRun(
      {
        scenes: [
          {
            id: "a",
            duration: 1,
            elements: [{ type: "audio", src: `${base.replace("http:", "https:")}/short.wav` }],
          },
        ],
      },
      {},
    );
    expect(p.problems).toMatchObject([{ path: "scenes[0].elements[0].src", code: "SOURCE_FORBIDDEN" }]);
    expect(p.sources[0].status).toBe("failed");
    expect(connections).toBe(before);
  });

  it("probes an s3:// upload with a ranged read of the store", async () => {
    const store = new InMemoryObjectStore();
    store.objects.set("uploads/long.wav", { body: files.get("/long.wav")!, contentType: "audio/wav" });
    const api = createTestApi({ store });
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: {
        scenes: [{ id: "a", elements: [{ type: "audio", src: "s3://videocraft-test/uploads/long.wav" }] }],
      },
    });
    expect(res.status).toBe(200);
    const [p] = res.json.projects;
    expect(p.problems).toEqual([]);
    expect(Math.abs(p.scenes[0].duration_seconds - 40)).toBeLessThanOrEqual(0.05);
    expect(p.sources[0].bytes_read).toBe(1024 * 1024);
    expect(store.objects.size).toBe(1);
  });
  it("reports an MP4 whose index is at its end as not probed, with a note, and a faststart one with its duration", async () => {
    served.clear();
    const p = await dryRun({
      scenes: [
        { id: "a", duration: 1, elements: [{ type: "video", src: `${base}/index-at-end.mp4` }] },
        { id: "b", duration: 1, elements: [{ type: "video", src: `${base}/faststart.mp4` }] },
      ],
    });
    expect(files.get("/index-at-end.mp4")!.length).toBeGreaterThan(1024 * 1024);
    expect(p.problems).toEqual([]);
    const [atEnd, fast] = p.sources;
    expect(atEnd).toMatchObject({
      status: "not_probed",
      size_bytes: files.get("/index-at-end.mp4")!.length,
      bytes_read: 1024 * 1024,
      duration_seconds: null,
      note: expect.stringMatching(/index \(moov\) is not in its first 1048576 bytes \(not faststart\)/),
    });
    expect(served.get("/index-at-end.mp4")).toBeLessThanOrEqual(1024 * 1024);
    expect(fast).toMatchObject({ status: "probed", has_video: true, width: 640, height: 480 });
    expect(Math.abs(fast.duration_seconds - 6)).toBeLessThanOrEqual(0.1);
  });

  it("reports sources as not probed once its time budget has run out, without waiting for them", async () => {
    stalled.length = 0;
    served.clear();
    const config = loadConfig({
      VIDEOCRAFT_BUCKET: "videocraft-test",
      VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
      VIDEOCRAFT_API_KEY: "k".repeat(20),
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
      // Far longer than the budget: only the budget can end the stalled fetch.
      VIDEOCRAFT_FETCH_READ_TIMEOUT: "600s",
    });
    const started = Date.now();
    // One at a time: the stalled source holds the only slot until the budget ends, so the second
    // source is never started.
    const probes = await sourceHeadProber({
      config,
      store: new InMemoryObjectStore(),
      concurrency: 1,
      deadlineMs: 1000,
    })([`${base}/stall.wav`, `${base}/short.wav`]);
    expect(stalled).toEqual(["/stall.wav"]);
    expect(probes.get(`${base}/stall.wav`)).toEqual({
      status: "not_probed",
      bytesRead: 0,
      note: "not probed: time ran out",
    });
    expect(probes.get(`${base}/short.wav`)).toEqual({
      status: "not_probed",
      bytesRead: 0,
      note: "not probed: probing stopped after 1 s",
    });
    expect(served.get("/short.wav")).toBeUndefined();
    // The budget is the behaviour: it ended the call, not the 600 s read timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
