import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storageKeys } from "../../functions/core/jobs/storage-keys.js";
import { ApiClient } from "../../local/api-client.js";
import { generateImage, generateTone, generateVideo } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { type CaptureLog, captureLog } from "../support/capture-log.js";
import { closeServer } from "../support/close-server.js";
import { makeFifo, releaseFifos, writeSourcesReachingOutside } from "../support/hostile-sources.js";
import { grabFrame, near } from "../support/media-probe.js";

/**
 * Hostile sources and request envelopes against the real API and render workers on the embedded
 * stack: playlists and manifests that would make ffmpeg read files the request never named, FIFOs,
 * one-frame videos, decoded-pixel and disk bombs, wrong content types, forbidden webhook URLs,
 * control characters in URLs, and a body that used to block the event loop. Each case states the
 * outcome it must have, in the words `got` is written in; a table of every case is printed.
 *
 * Stacks: `strict` is production-like (https only, private addresses refused, default caps);
 * `lax` allows private sources (a test origin on 127.0.0.1) and sets low caps; `slowprobe` runs an
 * ffprobe that never finishes, to show that a cancel reaches the probing step.
 */

const run = promisify(execFile);

type StackName = "strict" | "lax" | "slowprobe";

interface Case {
  name: string;
  on: StackName;
  expected: string;
  /** Run after the others, on an otherwise idle process (it measures how fast the API answers). */
  alone?: true;
  run(service: LocalService): Promise<string>;
}

const root = join(tmpdir(), `vc-hostile-sources-${randomUUID()}`);
const dir = join(root, "allowed");
const outside = join(root, "outside");
const FIFOS = ["fifo.wav", "fifo-1.wav", "fifo-2.wav", "fifo-3.wav", "fifo-4.wav"];
/** The colour only the file outside the allowed directory has. */
const OUTSIDE_RGB: [number, number, number] = [255, 0, 255];

let strict: LocalService;
let lax: LocalService;
let slowprobe: LocalService;
let logs: CaptureLog[] = [];
let origin: http.Server;
let originUrl: string;
const statuses: number[] = [];
const results = new Map<string, { got: string; ms: number }>();

const file = (name: string) => pathToFileURL(join(dir, name)).href;
const tiny = (elements: unknown[], extra: Record<string, unknown> = {}, duration = 0.5) => ({
  resolution: "160x120",
  fps: 10,
  quality: "draft",
  ...extra,
  scenes: [{ duration, elements }],
});
const image = (src: string, extra: Record<string, unknown> = {}) => ({ type: "image", src, ...extra });
const video = (src: string) => ({ type: "video", src });
const audio = (src: string) => ({ type: "audio", src });

function clientOf(service: LocalService): ApiClient {
  return new ApiClient(service.url, service.apiKey);
}

/** `400 VALIDATION_FAILED @ path` for refusals (the wanted path when the details name it). */
function refusal(status: number, body: unknown, want?: string): string {
  const err = (body as { error?: { code?: string; details?: { path: string }[] } })?.error;
  const paths = (err?.details ?? []).map((d) => d.path);
  const path = want !== undefined && paths.includes(want) ? want : paths[0];
  return `${status} ${err?.code ?? "(no code)"}${path !== undefined ? ` @ ${path}` : ""}`;
}

/** Submits and waits: `job completed` / `job failed CODE` / the refusal. */
async function job(
  service: LocalService,
  body: unknown,
  o: { want?: string; timeoutMs?: number; after?: (id: string) => Promise<string> } = {},
): Promise<string> {
  const client = clientOf(service);
  const res = await client.request("POST", "/v1/videos", body);
  statuses.push(res.status);
  if (res.status !== 202) return refusal(res.status, res.body, o.want);
  const { id } = res.body as { id: string };
  let view: Awaited<ReturnType<ApiClient["getJob"]>>;
  try {
    view = await client.waitForJob(id, { timeoutMs: o.timeoutMs ?? 90_000, intervalMs: 100 });
  } catch {
    return `job still ${(await client.getJob(id)).status} after ${(o.timeoutMs ?? 90_000) / 1000} s`;
  }
  const outcome = `job ${view.status}${view.error ? ` ${view.error.code}` : ""}`;
  return o.after ? `${outcome}${await o.after(id)}` : outcome;
}

/** A job whose video, if one was made, must not show the outside file's colour. */
async function neverRendersOutside(service: LocalService, body: unknown): Promise<string> {
  return job(service, body, {
    after: async (id) => {
      const status = await service.jobs.getStatus(id);
      if (status?.status !== "completed") return "";
      const path = join(root, `${id}.mp4`);
      await clientOf(service).downloadVideo(id, path);
      const frame = await grabFrame(path, 0.1);
      return near(frame.pixel(80, 60), OUTSIDE_RGB)
        ? " (rendered the file outside the allowed directory)"
        : "";
    },
  });
}

/** `200 problems: CODE@path, …` of a dry run, or its refusal. */
async function dryRun(service: LocalService, body: unknown): Promise<string> {
  const res = await clientOf(service).request("POST", "/v1/videos?dry_run=true", body);
  statuses.push(res.status);
  if (res.status !== 200) return refusal(res.status, res.body);
  const projects = (res.body as { projects: { problems: { code: string; path: string }[] }[] }).projects;
  const problems = projects.flatMap((p) => p.problems.map((x) => `${x.code}@${x.path}`));
  return problems.length === 0 ? "200 no problems" : `200 problems: ${problems.join(", ")}`;
}

/** A POST with a chosen Content-Type header (or none). */
async function postAs(service: LocalService, contentType: string | undefined, text: string): Promise<string> {
  const res = await fetch(`${service.url}/v1/videos?dry_run=true`, {
    method: "POST",
    headers: { "x-api-key": service.apiKey, ...(contentType ? { "content-type": contentType } : {}) },
    body: new TextEncoder().encode(text),
  });
  statuses.push(res.status);
  const body = (await res.json()) as unknown;
  return res.status === 200 ? "200" : refusal(res.status, body);
}

/** Resolves with `fallback` when `p` has not settled within `ms`. */
function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** The job's recorded webhook outcome, once delivery has ended. */
async function webhookOutcome(service: LocalService, id: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const record = await service.jobs.getStatus(id);
    if (record?.webhook) {
      const w = record.webhook;
      return `, webhook delivered=${w.delivered} attempts=${w.attempts}${w.error ? ` (${w.error.includes("private or reserved") ? "private address" : w.error})` : " (no reason)"}`;
    }
    if (Date.now() > deadline) return ", no webhook outcome recorded";
    await new Promise((r) => setTimeout(r, 100));
  }
}

const failed = (code: string) => `job failed ${code}`;
const src0 = "scenes[0].elements[0].src";
const invalidAt = (path = src0) => `200 problems: SOURCE_INVALID_MEDIA@${path}`;

function cases(): Case[] {
  const c = (
    on: StackName,
    name: string,
    expected: string,
    fn: (s: LocalService) => Promise<string>,
  ): Case => ({
    name,
    on,
    expected,
    run: fn,
  });
  const alone = (...args: Parameters<typeof c>): Case => ({ ...c(...args), alone: true });
  const many = (n: number, el: unknown) => ({
    resolution: "160x120",
    scenes: Array.from({ length: n / 100 }, () => ({
      duration: 1,
      elements: Array.from({ length: 100 }, () => el),
    })),
  });
  return [
    // Playlists, manifests and scripts that name other files.
    c(
      "strict",
      "HLS playlist (file://) → file:// segment outside the dir",
      failed("SOURCE_INVALID_MEDIA"),
      (s) => neverRendersOutside(s, tiny([video(file("list.m3u8"))])),
    ),
    c("strict", "HLS playlist saved as .mp4", failed("SOURCE_INVALID_MEDIA"), (s) =>
      neverRendersOutside(s, tiny([video(file("list.mp4"))])),
    ),
    c("strict", "HLS playlist, dry run", invalidAt(), (s) => dryRun(s, tiny([video(file("list.m3u8"))]))),
    c("strict", "DASH .mpd with a file:// BaseURL, dry run", invalidAt(), (s) =>
      dryRun(s, tiny([video(file("manifest.mpd"))])),
    ),
    c("strict", "DASH .mpd with a file:// BaseURL", failed("SOURCE_INVALID_MEDIA"), (s) =>
      neverRendersOutside(s, tiny([video(file("manifest.mpd"))])),
    ),
    c("lax", "HLS playlist over http (downloaded copy)", failed("SOURCE_INVALID_MEDIA"), (s) =>
      neverRendersOutside(s, tiny([video(`${originUrl}/list.m3u8`)])),
    ),
    c("strict", "HLS playlist uploaded to s3://…/uploads/", failed("SOURCE_INVALID_MEDIA"), async (s) => {
      await s.store.uploadFile("uploads/list.m3u8", join(dir, "list.m3u8"), "application/vnd.apple.mpegurl");
      return neverRendersOutside(s, tiny([video(`s3://${s.config.bucket}/uploads/list.m3u8`)]));
    }),
    c("strict", "ffconcat script → file outside the dir", failed("SOURCE_INVALID_MEDIA"), (s) =>
      neverRendersOutside(s, tiny([video(file("script.ffconcat"))])),
    ),
    c("strict", "real MP4 named .m3u8 (format from content, not name)", "job completed", (s) =>
      job(s, tiny([video(file("clip-really.m3u8"))])),
    ),
    c("strict", "PNG named .mp3 used as an image", "job completed", (s) =>
      job(s, tiny([image(file("picture.mp3"))])),
    ),

    // FIFOs and a probe that hangs.
    c(
      "strict",
      "FIFO as src, then a normal job",
      "job failed SOURCE_UNREACHABLE; next: job completed",
      async (s) => {
        const first = await job(s, tiny([audio(file("fifo.wav"))]), { timeoutMs: 30_000 });
        const next = await job(s, tiny([audio(file("tone.wav"))]), { timeoutMs: 30_000 });
        return `${first}; next: ${next}`;
      },
    ),
    c(
      "strict",
      "4 FIFOs in one dry run, health meanwhile",
      `200 problems: ${[1, 2, 3, 4].map((i) => `SOURCE_UNREACHABLE@scenes[0].elements[${i - 1}].src`).join(", ")}; health 200`,
      async (s) => {
        const body = tiny([1, 2, 3, 4].map((i) => audio(file(`fifo-${i}.wav`))));
        const dry = within(dryRun(s, body), 20_000, "no answer within 20 s");
        const health = within(
          fetch(`${s.url}/v1/health`).then((r) => `health ${r.status}`),
          20_000,
          "health: no answer within 20 s",
        );
        return `${await dry}; ${await health}`;
      },
    ),
    c("slowprobe", "cancel while ffprobe hangs", "job cancelled CANCELLED", async (s) => {
      const client = clientOf(s);
      const { id } = await client.submit(tiny([audio(file("tone.wav"))]));
      const deadline = Date.now() + 30_000;
      while ((await client.getJob(id)).step !== "probing") {
        if (Date.now() > deadline) return "never reached probing";
        await new Promise((r) => setTimeout(r, 50));
      }
      await client.request("DELETE", `/v1/jobs/${id}`);
      try {
        const view = await client.waitForJob(id, { timeoutMs: 25_000, intervalMs: 100 });
        return `job ${view.status}${view.error ? ` ${view.error.code}` : ""}`;
      } catch {
        return `job still ${(await client.getJob(id)).status} 25 s after the cancel`;
      }
    }),

    // One-frame videos: the poster comes from a frame that exists.
    c("strict", "fps 1, duration 1 (one frame)", "job completed, poster written", (s) =>
      job(s, tiny([image(file("small.png"))], { fps: 1 }, 1), { after: (id) => poster(s, id) }),
    ),
    c("strict", "fps 30, duration 0.03 (one frame)", "job completed, poster written", (s) =>
      job(s, tiny([image(file("small.png"))], { fps: 30 }, 0.03), { after: (id) => poster(s, id) }),
    ),

    // Decoded pixels.
    c("strict", "40 image elements of one 4000×4000 PNG", "job completed", (s) =>
      job(
        s,
        tiny(
          Array.from({ length: 40 }, (_, i) => image(file("big-4000.png"), { x: -i * 50, y: -i * 50 })),
          { resolution: "320x240" },
          0.1,
        ),
      ),
    ),
    c(
      "lax",
      "VIDEOCRAFT_FFMPEG_MAX_MEMORY=120MB: three 2000×2000 images in one scene",
      "job failed SOURCE_TOO_LARGE @ scenes[0].elements[2]",
      (s) =>
        job(s, tiny(["a", "b", "c"].map((n) => image(file(`px2000-${n}.png`)))), {
          after: async (id) => {
            const message = (await s.jobs.getStatus(id))?.error?.message ?? "";
            return ` @ ${/scenes\[\d+\]\.elements\[\d+\]/.exec(message)?.[0] ?? "(no path)"}`;
          },
        }),
    ),
    c(
      "lax",
      "VIDEOCRAFT_FFMPEG_MAX_MEMORY=120MB: the same, dry run",
      "200 problems: SOURCE_TOO_LARGE@scenes[0].elements[2]",
      (s) => dryRun(s, tiny(["a", "b", "c"].map((n) => image(file(`px2000-${n}.png`))))),
    ),

    // Disk bombs.
    c(
      "lax",
      "VIDEOCRAFT_MAX_SOURCES_PER_JOB=3: 4 distinct sources",
      "400 VALIDATION_FAILED @ scenes[0].elements[3].src",
      (s) =>
        job(s, tiny(["a", "b", "c", "d"].map((n) => image(file(`px2000-${n}.png`)))), {
          want: "scenes[0].elements[3].src",
        }),
    ),
    c("lax", "VIDEOCRAFT_MAX_SOURCES_PER_JOB=3: one file 4× with ?n (one source)", "job completed", (s) =>
      job(s, tiny([1, 2, 3, 4].map((n) => image(`${file("small.png")}?n=${n}`)))),
    ),
    c("lax", "VIDEOCRAFT_MAX_JOB_SOURCE_BYTES=100KB: three 40 KB sources", failed("SOURCE_TOO_LARGE"), (s) =>
      job(s, tiny(["1", "2", "3"].map((n) => audio(file(`tone40k-${n}.wav`))))),
    ),

    // Content types.
    c("strict", "Content-Type text/plain", "415 UNSUPPORTED_MEDIA_TYPE", (s) =>
      postAs(s, "text/plain", JSON.stringify(tiny([audio(file("tone.wav"))]))),
    ),
    c("strict", "Content-Type form-urlencoded", "415 UNSUPPORTED_MEDIA_TYPE", (s) =>
      postAs(s, "application/x-www-form-urlencoded", JSON.stringify(tiny([audio(file("tone.wav"))]))),
    ),
    c("strict", "Content-Type application/json; charset=utf-8", "200", (s) =>
      postAs(s, "application/json; charset=utf-8", JSON.stringify(tiny([audio(file("tone.wav"))]))),
    ),
    c("strict", "Content-Type application/vnd.videocraft+json", "200", (s) =>
      postAs(s, "application/vnd.videocraft+json", JSON.stringify(tiny([audio(file("tone.wav"))]))),
    ),
    c("strict", "no Content-Type", "200", (s) =>
      postAs(s, undefined, JSON.stringify(tiny([audio(file("tone.wav"))]))),
    ),

    // Webhook URLs.
    ...[
      "http://169.254.169.254/latest/meta-data/",
      "https://169.254.169.254/hook",
      "https://127.0.0.1:8443/hook",
      "https://[::1]/hook",
      "https://10.0.0.1/hook",
      "https://[::ffff:169.254.169.254]/hook",
      "https://0x7f000001/hook",
    ].map((url) =>
      c("strict", `webhook ${url}`, "400 VALIDATION_FAILED @ webhook.url", (s) =>
        job(s, tiny([audio(file("tone.wav"))], { webhook: { url } }), { want: "webhook.url" }),
      ),
    ),
    c(
      "strict",
      "webhook name resolving to 10.1.2.3 at delivery",
      "job completed, webhook delivered=false attempts=0 (private address)",
      (s) =>
        job(s, tiny([audio(file("tone.wav"))], { webhook: { url: "https://hook.rebind.test/cb" } }), {
          after: (id) => webhookOutcome(s, id),
        }),
    ),
    c("lax", "webhook http://127.0.0.1 with private sources allowed", "job completed", (s) =>
      job(s, tiny([audio(file("tone40k-1.wav"))], { webhook: { url: `${originUrl}/hook` } })),
    ),

    // Control characters in URLs (URL parsers drop some of them silently, changing the URL).
    ...(
      [
        ["newline", "\n"],
        ["tab", "\t"],
        ["NUL", "\u0000"],
        ["DEL", "\u007f"],
      ] as const
    ).flatMap(([what, ch]) => [
      c("strict", `${what} in src`, `400 VALIDATION_FAILED @ ${src0}`, (s) =>
        job(s, tiny([audio(`https://example.com/a${ch}b.wav`)]), { want: src0 }),
      ),
      c("strict", `${what} in webhook.url`, "400 VALIDATION_FAILED @ webhook.url", (s) =>
        job(s, tiny([audio(file("tone.wav"))], { webhook: { url: `https://example.com/h${ch}ook` } }), {
          want: "webhook.url",
        }),
      ),
    ]),

    // A large body must not stop the process from answering anything else.
    alone(
      "strict",
      "20,000-element dry run (~1 MB), health meanwhile",
      "health answered within 1 s",
      async (s) => {
        const body = JSON.stringify(many(20_000, image("https://10.0.0.1/a.png")));
        let worst = 0;
        let done = false;
        const poll = (async () => {
          while (!done) {
            const t0 = performance.now();
            await fetch(`${s.url}/v1/health`).then((r) => r.arrayBuffer());
            worst = Math.max(worst, performance.now() - t0);
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        const res = await clientOf(s).request("POST", "/v1/videos?dry_run=true", body);
        statuses.push(res.status);
        done = true;
        await poll;
        if (res.status !== 200) return refusal(res.status, res.body);
        return worst < 1000 ? "health answered within 1 s" : `health took ${Math.round(worst)} ms`;
      },
    ),
  ];
}

async function poster(service: LocalService, id: string): Promise<string> {
  return (await service.store.exists(storageKeys.poster(id))) ? ", poster written" : ", no poster";
}

async function startOrigin(): Promise<void> {
  const playlist = await readFile(join(dir, "list.m3u8"));
  origin = http.createServer((req, res) => {
    if (req.url === "/list.m3u8") {
      res.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" }).end(playlist);
    } else if (req.url === "/hook") {
      req.resume();
      req.on("end", () => res.writeHead(200).end("ok"));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
}

async function makeMedia(): Promise<void> {
  await Promise.all([mkdir(dir, { recursive: true }), mkdir(outside, { recursive: true })]);
  await Promise.all([
    writeSourcesReachingOutside(dir, outside, { scriptName: "script.ffconcat" }),
    generateTone(join(dir, "tone.wav"), { seconds: 1 }),
    generateImage(join(dir, "small.png"), { width: 32, height: 24, color: "#00ff00" }),
    generateImage(join(dir, "big-4000.png"), { width: 4000, height: 4000, color: "#3366cc" }),
    ...["a", "b", "c", "d"].map((n, i) =>
      generateImage(join(dir, `px2000-${n}.png`), { width: 2000, height: 2000, color: `#00${i}0${i}0` }),
    ),
    ...["1", "2", "3"].map((n) =>
      run("ffmpeg", [
        ...["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi"],
        ...["-i", `sine=frequency=${300 + Number(n) * 100}:sample_rate=8000`, "-t", "2.5", "-ac", "1"],
        join(dir, `tone40k-${n}.wav`),
      ]),
    ),
    generateVideo(join(dir, "clip-really.m3u8.tmp.mp4"), { seconds: 1, width: 160, height: 120, fps: 10 }),
    ...FIFOS.map((n) => makeFifo(join(dir, n))),
  ]);
  await Promise.all([
    copyFile(join(dir, "list.m3u8"), join(dir, "list.mp4")),
    copyFile(join(dir, "clip-really.m3u8.tmp.mp4"), join(dir, "clip-really.m3u8")),
    copyFile(join(dir, "small.png"), join(dir, "picture.mp3")),
  ]);
  // An ffprobe that never answers: only a cancel (or its own time limit) can end the probe.
  await writeFile(join(root, "hanging-ffprobe"), "#!/bin/sh\nexec sleep 600\n");
  await chmod(join(root, "hanging-ffprobe"), 0o755);
}

const table = cases();

beforeAll(async () => {
  await makeMedia();
  await startOrigin();
  const [strictLog, laxLog, slowLog] = [captureLog(), captureLog(), captureLog()];
  logs = [strictLog, laxLog, slowLog];
  const resolver = async (host: string) => {
    if (host === "hook.rebind.test") return [{ address: "10.1.2.3", family: 4 as const }];
    throw Object.assign(new Error("no DNS in tests"), { code: "ENOTFOUND" });
  };
  [strict, lax, slowprobe] = await Promise.all([
    startLocalService({
      env: {
        VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
        VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
        VIDEOCRAFT_WORK_DIR: join(root, "work-strict"),
      },
      workers: 2,
      log: strictLog,
      resolver,
      webhook: { resolver, maxAttempts: 2, baseDelayMs: 10 },
    }),
    startLocalService({
      env: {
        VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
        VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
        VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "64KB",
        VIDEOCRAFT_MAX_SOURCES_PER_JOB: "3",
        VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: "100KB",
        VIDEOCRAFT_FFMPEG_MAX_MEMORY: "120MB",
        VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
        VIDEOCRAFT_WORK_DIR: join(root, "work-lax"),
      },
      workers: 2,
      log: laxLog,
      webhook: { maxAttempts: 1 },
    }),
    startLocalService({
      env: {
        VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
        VIDEOCRAFT_FFPROBE_PATH: join(root, "hanging-ffprobe"),
        VIDEOCRAFT_WORK_DIR: join(root, "work-slowprobe"),
      },
      workers: 1,
      log: slowLog,
    }),
  ]);
  const services: Record<StackName, LocalService> = { strict, lax, slowprobe };
  // A failing build may still open a FIFO and block Node's file-system threads; this releases them.
  const safetyNet = setTimeout(() => void releaseFifos(dir, FIFOS), 40_000);
  const runCase = async (c: Case) => {
    const t0 = Date.now();
    let got: string;
    try {
      got = await c.run(services[c.on]);
    } catch (e) {
      got = `threw: ${(e as Error).message}`;
    }
    results.set(c.name, { got, ms: Date.now() - t0 });
  };
  await Promise.all(table.filter((c) => !c.alone).map(runCase));
  clearTimeout(safetyNet);
  for (const c of table.filter((c) => c.alone)) await runCase(c);
}, 240_000);

afterAll(async () => {
  const rows = table.map((c) => {
    const r = results.get(c.name);
    const cell = (s: string | undefined) => (s ?? "(not run)").replaceAll("|", "\\|").replaceAll("\n", " ");
    return `| ${cell(c.name)} | ${c.on} | ${r?.ms} | ${cell(c.expected)} | ${cell(r?.got)} | ${r?.got === c.expected ? "ok" : "FAIL"} |`;
  });
  console.log(
    ["| case | stack | ms | expected | got | check |", "|---|---|---|---|---|---|", ...rows].join("\n"),
    `\n${table.length} cases`,
  );
  await releaseFifos(dir, FIFOS);
  await Promise.all([strict?.stop(), lax?.stop(), slowprobe?.stop()]);
  await closeServer(origin);
  await rm(root, { recursive: true, force: true });
});

describe("hostile sources", () => {
  it.each(table.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(results.get(c.name)?.got).toBe(c.expected);
  });

  it("never answered with a 5xx", () => {
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  it("left no job queued or processing", async () => {
    for (const service of [strict, lax, slowprobe]) {
      const ids = await service.jobs.listIds();
      const states = await Promise.all(ids.map(async (id) => (await service.jobs.getStatus(id))?.status));
      expect(states.filter((s) => s === "queued" || s === "processing")).toEqual([]);
    }
  });

  it("logged no ERROR line", () => {
    expect(logs.flatMap((l) => l.errors()).map((l) => l.text)).toEqual([]);
  });
});
