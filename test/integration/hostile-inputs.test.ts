import { randomUUID } from "node:crypto";
import { promises as dns } from "node:dns";
import { copyFile, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../local/api-client.js";
import { generateImage, generateTone, generateVideo } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { type CaptureLog, captureLog, leakedSecrets } from "../support/capture-log.js";
import { writeEmptyWav, writeLongSilence, writePngBomb, writeTruncated } from "../support/hostile-media.js";

/**
 * Issue 5 item 1: hostile requests against the real API and render workers on the embedded stack.
 * Every case states its exact outcome: an HTTP status + error code + the JSON path named in the
 * details, or a job that ends with a given status and SPEC failure code. Afterwards no job may be
 * left queued/processing, no response may have been a 5xx, and the log must hold no ERROR line.
 *
 * Two stacks: `strict` is a production-like deployment (https only, private addresses refused);
 * `lax` is local mode with private sources allowed (to reach a test server on 127.0.0.1) and low
 * configured limits (VIDEOCRAFT_MAX_*) to show that each limit is enforced from config.
 *
 * Covered at unit level, not here: an allowed URL that redirects to a forbidden one (every hop is
 * re-checked: test/unit/safe-fetch.test.ts "safeFetchToFile checks every redirect hop"), because
 * the strict stack only fetches https and there is no trusted TLS server to run locally.
 */

type Outcome =
  | { kind: "http"; status: number; code: string; path?: string }
  | { kind: "job"; status: "completed" | "failed"; code?: string };

interface Case {
  name: string;
  on: "strict" | "lax";
  /** A request body (object → JSON) or the raw text to send. */
  body: unknown;
  raw?: boolean;
  expect: Outcome;
}

const EVIL = "a;b[0:v]'c\\d,e:f"; // ffmpeg filter-graph syntax: ; [ ] ' \ , :
const ASS = "{\\pos(0,0)}{\\fs300}{\\c&H0000FF&}\\Nhi";

// Known before the cases are built (it.each needs them at collection time); created in beforeAll.
const dir = join(tmpdir(), `vc-hostile-${randomUUID()}`);
let strict: LocalService;
let lax: LocalService;
let strictLog: CaptureLog;
let laxLog: CaptureLog;
let origin: http.Server;
let originUrl: string;
const serverResponses: number[] = [];
const results = new Map<string, { expected: string; actual: string; ms: number }>();

const file = (name: string) => pathToFileURL(join(dir, name)).href;
/** A tiny renderable project: 160x120, 10 fps, draft, half a second. */
const tiny = (
  elements: unknown[],
  extra: Record<string, unknown> = {},
  scene: Record<string, unknown> = {},
) => ({
  resolution: "160x120",
  fps: 10,
  quality: "draft",
  ...extra,
  scenes: [{ duration: 0.5, ...scene, elements }],
});
const audio = (src: string, extra: Record<string, unknown> = {}) => ({ type: "audio", src, ...extra });
const tone = () => audio(file("tone.wav"));
const oneSource = (src: string, type = "audio") => tiny([{ type, src }]);
const scenes = (n: number, scene: Record<string, unknown>) => ({
  resolution: "160x120",
  scenes: Array.from({ length: n }, () => scene),
});

const failedWith = (code: string): Outcome => ({ kind: "job", status: "failed", code });
const completed: Outcome = { kind: "job", status: "completed" };
const rejected = (path: string, status = 400, code = "VALIDATION_FAILED"): Outcome => ({
  kind: "http",
  status,
  code,
  path,
});

function cases(): Case[] {
  const s = (name: string, body: unknown, expected: Outcome): Case => ({
    name,
    on: "strict",
    body,
    expect: expected,
  });
  const l = (name: string, body: unknown, expected: Outcome): Case => ({
    name,
    on: "lax",
    body,
    expect: expected,
  });
  const raw = (name: string, text: string, expected: Outcome): Case => ({
    name,
    on: "strict",
    body: text,
    raw: true,
    expect: expected,
  });
  const src0 = "scenes[0].elements[0].src";
  return [
    // SSRF: schemes refused at submit, addresses refused by the fetcher.
    s("http://127.0.0.1 (plain http)", oneSource("http://127.0.0.1/a.wav"), rejected(src0)),
    s("https://localhost", oneSource("https://localhost/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://0.0.0.0", oneSource("https://0.0.0.0/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s(
      "https://169.254.169.254 (metadata)",
      oneSource("https://169.254.169.254/latest/meta-data/iam/security-credentials/"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("https://[::1]", oneSource("https://[::1]/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s(
      "https://[::ffff:127.0.0.1]",
      oneSource("https://[::ffff:127.0.0.1]/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s(
      "https://2130706433 (decimal 127.0.0.1)",
      oneSource("https://2130706433/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("https://0177.0.0.1 (octal)", oneSource("https://0177.0.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://0x7f000001 (hex)", oneSource("https://0x7f000001/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://10.0.0.1", oneSource("https://10.0.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://172.16.0.1", oneSource("https://172.16.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://192.168.1.1", oneSource("https://192.168.1.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://100.64.0.1 (CGNAT)", oneSource("https://100.64.0.1/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s("https://[fd00::1] (IPv6 ULA)", oneSource("https://[fd00::1]/a.wav"), failedWith("SOURCE_FORBIDDEN")),
    s(
      "DNS rebinding: public-looking name → 10.1.2.3",
      oneSource("https://media.rebind.test/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s(
      "DNS: one public + one loopback answer",
      oneSource("https://cdn.mixed.test/a.wav"),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("file:///etc/passwd (outside the allowed dir)", oneSource("file:///etc/passwd"), rejected(src0)),
    s("file:// with ../ out of the dir", oneSource(`${file("x")}/../../../../etc/passwd`), rejected(src0)),
    s(
      "file:// symlink inside the dir → /etc/passwd",
      oneSource(file("escape.wav")),
      failedWith("SOURCE_FORBIDDEN"),
    ),
    s("ftp: scheme", oneSource("ftp://example.com/a.wav"), rejected(src0)),
    s("gopher: scheme", oneSource("gopher://127.0.0.1:6379/_FLUSHALL"), rejected(src0)),
    s("data: scheme", oneSource("data:audio/wav;base64,UklGRg=="), rejected(src0)),
    s("s3:// another bucket", oneSource("s3://someone-elses-bucket/uploads/a.wav"), rejected(src0)),
    s(
      "s3:// outside uploads/",
      oneSource("s3://videocraft-local/uploads/../jobs/x/request.json"),
      rejected(src0),
    ),

    // Size and time.
    s(
      "file:// source over the size cap (3 MB > 2 MB)",
      oneSource(file("huge.wav")),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l(
      "http source over the cap, with Content-Length",
      oneSource("{origin}/big-declared.wav"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l(
      "http source over the cap, chunked (no Content-Length)",
      oneSource("{origin}/big-chunked.wav"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l("slow source past the read timeout", oneSource("{origin}/slow.wav"), failedWith("SOURCE_UNREACHABLE")),
    l(
      "trickling source past the total download deadline",
      oneSource("{origin}/trickle.wav"),
      failedWith("TIMEOUT"),
    ),

    // Media that is not what it claims.
    s("text file as audio", oneSource(file("not-media.wav")), failedWith("SOURCE_INVALID_MEDIA")),
    s(
      "truncated MP4 as video",
      oneSource(file("truncated.mp4"), "video"),
      failedWith("SOURCE_INVALID_MEDIA"),
    ),
    s(
      "PNG bomb 20000×20000 (ffmpeg refuses the size)",
      oneSource(file("bomb-20000.png"), "image"),
      failedWith("SOURCE_INVALID_MEDIA"),
    ),
    s(
      "PNG bomb 16000×16000 (> 8192² pixel cap)",
      oneSource(file("bomb-16000.png"), "image"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
    s("audio of 0 s", oneSource(file("zero.wav")), failedWith("SOURCE_INVALID_MEDIA")),
    s(
      "4-hour audio timing a scene (> 3600 s cap, found after probing)",
      { resolution: "160x120", scenes: [{ elements: [audio(file("four-hours.flac"))] }] },
      failedWith("SOURCE_TOO_LARGE"),
    ),
    s(
      "4-hour scene duration (> 3600 s cap, found at validation)",
      { resolution: "160x120", scenes: [{ duration: 14400, elements: [tone()] }] },
      rejected("scenes[0].duration"),
    ),
    s(
      "4-hour audio trimmed to 0.5 s (the cap is on the output)",
      tiny([audio(file("four-hours.flac"), { duration: 0.5 })]),
      completed,
    ),

    // ffmpeg filter syntax in every string field: refused by a pattern, or rendered as inert data.
    s("filter syntax in comment", tiny([tone()], { comment: EVIL }), completed),
    s("filter syntax in element comment", tiny([{ ...tone(), comment: EVIL }]), completed),
    s(
      "filter syntax in element id (+ subtitles.audio)",
      tiny([
        audio(file("tone.wav"), { id: EVIL }),
        { type: "subtitles", audio: EVIL, words: [{ word: "hi", start: 0, end: 0.3 }] },
      ]),
      completed,
    ),
    s("filter syntax in scene id", tiny([tone()], {}, { id: EVIL }), rejected("scenes[0].id")),
    s(
      "filter syntax in background-color",
      tiny([tone()], { "background-color": EVIL }),
      rejected("background-color"),
    ),
    s(
      "filter syntax in a subtitle colour",
      tiny([tone(), { type: "subtitles", settings: { "word-color": EVIL } }]),
      rejected("scenes[0].elements[1].settings.word-color"),
    ),
    s(
      "filter syntax in subtitle position",
      tiny([tone(), { type: "subtitles", settings: { position: EVIL } }]),
      rejected("scenes[0].elements[1].settings.position"),
    ),
    s(
      "filter syntax in font-family",
      tiny([
        tone(),
        { type: "subtitles", settings: { "font-family": EVIL }, words: [{ word: "hi", start: 0, end: 0.3 }] },
      ]),
      completed,
    ),
    s(
      "filter syntax in subtitles text",
      tiny([tone(), { type: "subtitles", text: `${EVIL} hello` }]),
      completed,
    ),
    s(
      "filter syntax in subtitles language",
      tiny([tone(), { type: "subtitles", language: EVIL, words: [{ word: "hi", start: 0, end: 0.3 }] }]),
      rejected("scenes[0].elements[1].language"),
    ),
    s(
      "filter syntax in a word",
      tiny([tone(), { type: "subtitles", words: [{ word: EVIL, start: 0, end: 0.3 }] }]),
      completed,
    ),
    s("filter syntax in the src file name", tiny([audio(file("we;ird[0:v]'x,y=z\\q.wav"))]), completed),
    s(
      "filter syntax in the src query",
      tiny([audio(`${file("tone.wav")}?x=[0:a];amovie='/etc/passwd'`)]),
      completed,
    ),
    s("filter syntax in resolution", tiny([tone()], { resolution: "160x120;x" }), rejected("resolution")),
    s(
      "filter syntax in resize",
      tiny([{ type: "image", src: file("small.png"), resize: EVIL }, tone()]),
      rejected("scenes[0].elements[0].resize"),
    ),
    s(
      "ASS override tags in caption words",
      tiny([tone(), { type: "subtitles", words: [{ word: ASS, start: 0, end: 0.3 }] }]),
      completed,
    ),

    // Structure, numbers, types.
    s(
      "10,000 elements in a scene",
      tiny(Array.from({ length: 10_000 }, () => ({ type: "image", src: "https://example.com/a.png" }))),
      rejected("scenes[0].elements"),
    ),
    s(
      "201 scenes",
      scenes(201, { duration: 1, elements: [{ type: "image", src: "https://example.com/a.png" }] }),
      rejected("scenes"),
    ),
    raw(
      "JSON nested 1,000 deep",
      `{"scenes":${"[".repeat(1000)}${"]".repeat(1000)}}`,
      rejected("", 400, "INVALID_JSON"),
    ),
    raw(
      "2 MiB body",
      JSON.stringify({ comment: "x".repeat(2 * 1024 * 1024), scenes: [] }),
      rejected("", 413, "PAYLOAD_TOO_LARGE"),
    ),
    raw(
      "1.5 MiB body",
      JSON.stringify({ comment: "x".repeat(1.5 * 1024 * 1024), scenes: [] }),
      rejected("", 413, "PAYLOAD_TOO_LARGE"),
    ),
    raw("literal NaN", '{"scenes":[{"duration":NaN,"elements":[]}]}', rejected("", 400, "INVALID_JSON")),
    raw("literal Infinity", '{"fps":Infinity,"scenes":[]}', rejected("", 400, "INVALID_JSON")),
    raw(
      "1e999 (Infinity after parsing)",
      '{"resolution":"160x120","scenes":[{"duration":1e999,"elements":[{"type":"image","src":"https://e.com/a.png"}]}]}',
      rejected("scenes[0].duration"),
    ),
    raw("empty body", "", rejected("", 400, "INVALID_JSON")),
    raw("trailing garbage", '{"scenes":[]} x', rejected("", 400, "INVALID_JSON")),
    s("body is null", null, rejected("")),
    s("body is a string", "a project", rejected("")),
    s("negative duration", tiny([tone()], {}, { duration: -1 }), rejected("scenes[0].duration")),
    s(
      "negative volume",
      tiny([audio(file("tone.wav"), { volume: -0.5 })]),
      rejected("scenes[0].elements[0].volume"),
    ),
    s("fps 1e6", tiny([tone()], { fps: 1e6 }), rejected("fps")),
    s(
      "fractional pixel x",
      tiny([{ type: "image", src: file("small.png"), x: 1.5 }]),
      rejected("scenes[0].elements[0].x"),
    ),
    s("duration as a string", tiny([tone()], {}, { duration: "5" }), rejected("scenes[0].duration")),
    s("scenes as an object", { resolution: "160x120", scenes: { 0: {} } }, rejected("scenes")),
    s(
      "element type unknown",
      tiny([{ type: "shader", src: file("tone.wav") }]),
      rejected("scenes[0].elements[0].type"),
    ),
    s("odd width", tiny([tone()], { resolution: "custom", width: 161, height: 120 }), rejected("width")),
    s("8K output", tiny([tone()], { resolution: "7680x4320" }), rejected("resolution")),
    s(
      "duplicate scene ids",
      {
        resolution: "160x120",
        scenes: [
          { id: "a", duration: 1, elements: [tone()] },
          { id: "a", duration: 1, elements: [tone()] },
        ],
      },
      rejected("scenes[1].id"),
    ),
    s("unknown key", tiny([tone()], {}, { colour: "#ff0000" }), rejected("scenes[0].colour")),
    s("__proto__ key", JSON.parse(`{"__proto__":${JSON.stringify(tiny([tone()]))}}`), rejected("__proto__")),
    s(
      "z-index and z_index both",
      tiny([{ type: "image", src: file("small.png"), "z-index": 1, z_index: 2 }]),
      rejected("scenes[0].elements[0].z_index"),
    ),
    s("comment over 10,000 characters", tiny([tone()], { comment: "c".repeat(10_001) }), rejected("comment")),
    s(
      "21 projects in one array",
      Array.from({ length: 21 }, () => tiny([tone()])),
      rejected(""),
    ),

    // Configured limits (lax stack: 3 scenes, 4 elements, 10 s, 640x360, 100x100 px).
    l(
      "VIDEOCRAFT_MAX_SCENES=3: 4 scenes",
      scenes(4, { duration: 1, elements: [{ type: "image", src: "{origin}/a.png" }] }),
      rejected("scenes"),
    ),
    l(
      "VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE=4: 5 elements",
      tiny(Array.from({ length: 5 }, () => ({ type: "image", src: "{origin}/a.png" }))),
      rejected("scenes[0].elements"),
    ),
    l(
      "VIDEOCRAFT_MAX_VIDEO_SECONDS=10: 2 × 6 s",
      scenes(2, { duration: 6, elements: [{ type: "image", src: "{origin}/a.png" }] }),
      rejected("scenes[1].duration"),
    ),
    l(
      "VIDEOCRAFT_MAX_RESOLUTION=640x360: 1280x720",
      tiny([{ type: "image", src: "{origin}/a.png" }], { resolution: "1280x720" }),
      rejected("resolution"),
    ),
    l(
      "VIDEOCRAFT_MAX_VIDEO_SECONDS=10: scene timed by 11 s audio",
      { resolution: "160x120", scenes: [{ elements: [audio(file("eleven-seconds.flac"))] }] },
      failedWith("SOURCE_TOO_LARGE"),
    ),
    l(
      "VIDEOCRAFT_MAX_SOURCE_PIXELS=100x100: 200×200 image",
      oneSource(file("px200.png"), "image"),
      failedWith("SOURCE_TOO_LARGE"),
    ),
  ];
}

/** What the case produced, in the same words as its expectation. */
function describeOutcome(o: Outcome): string {
  if (o.kind === "job") return `job ${o.status}${o.code ? ` ${o.code}` : ""}`;
  return `${o.status} ${o.code}${o.path !== undefined ? ` @ ${o.path === "" ? "(body)" : o.path}` : ""}`;
}

async function runCase(c: Case): Promise<Outcome> {
  const service = c.on === "strict" ? strict : lax;
  const client = new ApiClient(service.url, service.apiKey);
  let body = c.raw ? c.body : JSON.stringify(c.body);
  body = (body as string).replaceAll("{origin}", originUrl);
  const res = await client.request("POST", "/v1/videos", body);
  serverResponses.push(res.status);
  if (res.status !== 202) {
    const err = (res.body as { error?: { code?: string; details?: { path: string }[] } })?.error;
    const paths = (err?.details ?? []).map((d) => d.path);
    const want = c.expect.kind === "http" ? c.expect.path : undefined;
    // The expected path when the details name it; otherwise what they do name (so a diff shows it).
    const path =
      want !== undefined && (paths.includes(want) || (want === "" && paths.length === 0))
        ? want
        : (paths[0] ?? "");
    return { kind: "http", status: res.status, code: err?.code ?? "(none)", path };
  }
  const { id } = res.body as { id: string };
  const job = await client.waitForJob(id, { timeoutMs: 90_000, intervalMs: 100 });
  if (job.status === "completed") return { kind: "job", status: "completed" };
  return { kind: "job", status: job.status as "failed", ...(job.error ? { code: job.error.code } : {}) };
}

function resolverFor(): (host: string) => Promise<{ address: string; family: 4 | 6 }[]> {
  const fixed: Record<string, { address: string; family: 4 | 6 }[]> = {
    "media.rebind.test": [{ address: "10.1.2.3", family: 4 }],
    "cdn.mixed.test": [
      { address: "93.184.216.34", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ],
  };
  return async (host) =>
    fixed[host] ??
    (await dns.lookup(host, { all: true })).map((a) => ({
      address: a.address,
      family: a.family === 6 ? 6 : 4,
    }));
}

async function startOrigin(): Promise<void> {
  const big = Buffer.alloc(200 * 1024, 7);
  origin = http.createServer((req, res) => {
    if (req.url === "/big-declared.wav") {
      res.writeHead(200, { "content-type": "audio/wav", "content-length": big.length });
      res.end(big);
    } else if (req.url === "/big-chunked.wav") {
      res.writeHead(200, { "content-type": "audio/wav" });
      for (let i = 0; i < big.length; i += 16 * 1024) res.write(big.subarray(i, i + 16 * 1024));
      res.end();
    } else if (req.url === "/trickle.wav") {
      // A byte every 100 ms: never silent long enough for the read timeout, never done either.
      res.writeHead(200, { "content-type": "audio/wav" });
      const timer = setInterval(() => res.write("x"), 100);
      res.on("close", () => clearInterval(timer));
    } else if (req.url === "/slow.wav") {
      res.writeHead(200, { "content-type": "audio/wav" });
      res.write("RIFF"); // then nothing: the fetcher's read timeout must give up
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
}

const table = cases();

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    generateTone(join(dir, "tone.wav"), { seconds: 1 }),
    generateImage(join(dir, "small.png"), { width: 32, height: 24, color: "#00ff00" }),
    generateImage(join(dir, "px200.png"), { width: 200, height: 200, color: "#ff0000" }),
    generateVideo(join(dir, "clip.mp4"), { seconds: 1, width: 160, height: 120, fps: 10 }),
    writeFile(join(dir, "not-media.wav"), "this is a text file, not audio\n".repeat(40)),
    writeFile(join(dir, "huge.wav"), Buffer.alloc(3 * 1024 * 1024, 1)),
    writePngBomb(join(dir, "bomb-20000.png"), 20_000, 20_000),
    writePngBomb(join(dir, "bomb-16000.png"), 16_000, 16_000),
    writeEmptyWav(join(dir, "zero.wav")),
    writeLongSilence(join(dir, "four-hours.flac"), 4 * 3600),
    writeLongSilence(join(dir, "eleven-seconds.flac"), 11),
    symlink("/etc/passwd", join(dir, "escape.wav")),
    startOrigin(),
  ]);
  await Promise.all([
    writeTruncated(join(dir, "clip.mp4"), join(dir, "truncated.mp4")),
    copyFile(join(dir, "tone.wav"), join(dir, "we;ird[0:v]'x,y=z\\q.wav")),
  ]);
  strictLog = captureLog();
  laxLog = captureLog();
  [strict, lax] = await Promise.all([
    startLocalService({
      env: {
        VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
        VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "2MB",
        VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
        VIDEOCRAFT_WORK_DIR: join(dir, "work-strict"),
      },
      workers: 2,
      log: strictLog,
      resolver: resolverFor(),
    }),
    startLocalService({
      env: {
        VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
        VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
        VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "64KB",
        // Far apart, so a loaded machine (this process also serves the origin) can't swap them.
        VIDEOCRAFT_FETCH_READ_TIMEOUT: "2s",
        VIDEOCRAFT_FETCH_TOTAL_TIMEOUT: "6s",
        VIDEOCRAFT_MAX_SCENES: "3",
        VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE: "4",
        VIDEOCRAFT_MAX_VIDEO_SECONDS: "10",
        VIDEOCRAFT_MAX_RESOLUTION: "640x360",
        VIDEOCRAFT_MAX_SOURCE_PIXELS: "100x100",
        VIDEOCRAFT_WORK_DIR: join(dir, "work-lax"),
      },
      workers: 2,
      log: laxLog,
    }),
  ]);
  // All cases at once: HTTP-only ones answer at once, jobs queue behind the workers.
  await Promise.all(
    table.map(async (c) => {
      const t0 = Date.now();
      let actual: string;
      try {
        actual = describeOutcome(await runCase(c));
      } catch (e) {
        actual = `threw: ${(e as Error).message}`;
      }
      results.set(c.name, { expected: describeOutcome(c.expect), actual, ms: Date.now() - t0 });
    }),
  );
}, 120_000);

afterAll(async () => {
  const rows = table.map((c) => {
    const r = results.get(c.name);
    return `| ${c.name.replaceAll("|", "\\|")} | ${c.on} | ${r?.ms} | ${r?.actual ?? "(not run)"} | ${r?.actual === r?.expected ? "ok" : `expected ${r?.expected}`} |`;
  });
  console.log(
    ["| case | stack | ms | outcome | check |", "|---|---|---|---|---|", ...rows].join("\n"),
    `\n${table.length} cases`,
  );
  await Promise.all([strict?.stop(), lax?.stop()]);
  origin?.closeAllConnections();
  await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
  await rm(dir, { recursive: true, force: true });
});

describe("hostile inputs", () => {
  it("has at least 40 cases", () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it.each(table.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(results.get(c.name)?.actual).toBe(describeOutcome(c.expect));
  });

  it("never answered with a 5xx", () => {
    expect(serverResponses.filter((s) => s >= 500)).toEqual([]);
  });

  it("left no job queued or processing", async () => {
    for (const service of [strict, lax]) {
      const ids = await service.jobs.listIds();
      const statuses = await Promise.all(ids.map(async (id) => (await service.jobs.getStatus(id))?.status));
      expect(statuses.filter((s) => s === "queued" || s === "processing")).toEqual([]);
    }
  });

  it("logged no ERROR line, no API key and no presigned signature", () => {
    expect([...strictLog.errors(), ...laxLog.errors()].map((l) => l.text)).toEqual([]);
    expect(leakedSecrets(strictLog, [strict.apiKey])).toEqual([]);
    expect(leakedSecrets(laxLog, [lax.apiKey])).toEqual([]);
  });
});
