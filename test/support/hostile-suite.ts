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
import { captureLog, leakedSecrets } from "./capture-log.js";
import { closeServer } from "./close-server.js";
import { writeEmptyWav, writeLongSilence, writePngBomb, writeTruncated } from "./hostile-media.js";
import { startNow } from "./started.js";

/**
 * A table of hostile requests run against the real API and render workers on the embedded stack.
 * Every row states its exact outcome: an HTTP status + error code + the JSON path named in the
 * details, or a job that ends with a given status and failure code. Afterwards no job may be left
 * queued/processing, no response may have been a 5xx, and the log must hold no ERROR line.
 *
 * A test file calls {@link hostileSuite} with its rows; each file gets its own stacks, media folder and
 * origin server. All rows are sent at once when the file starts (HTTP-only rows answer at once, jobs
 * queue behind the workers); each row's test then awaits its own outcome under its own timeout, so a
 * slow job fails its row only. The outcome table is printed when the file ends.
 *
 * Two stacks: `strict` is a production-like deployment (https only, private addresses refused);
 * `lax` is local mode with private sources allowed (to reach the origin server on 127.0.0.1) and low
 * configured limits (VIDEOCRAFT_MAX_*) to show that each limit is enforced from config.
 */

export type Outcome =
  | { kind: "http"; status: number; code: string; path?: string }
  | { kind: "job"; status: "completed" | "failed"; code?: string };

export interface HostileCase {
  name: string;
  on: "strict" | "lax";
  /** A request body (object → JSON) or, with `raw`, the exact text to send. `{origin}` → the origin server. */
  body: unknown;
  raw?: boolean;
  expect: Outcome;
}

/** Where a file's media lives; known when the rows are built (before any hook runs). */
export interface HostileMedia {
  dir: string;
  /** `file://` URL of a file in the media folder. */
  file(name: string): string;
}

/** ffmpeg filter-graph syntax: ; [ ] ' \ , : */
export const EVIL = "a;b[0:v]'c\\d,e:f";
/** ASS override tags. */
export const ASS = "{\\pos(0,0)}{\\fs300}{\\c&H0000FF&}\\Nhi";

export const failedWith = (code: string): Outcome => ({ kind: "job", status: "failed", code });
export const completed: Outcome = { kind: "job", status: "completed" };
export const rejected = (path: string, status = 400, code = "VALIDATION_FAILED"): Outcome => ({
  kind: "http",
  status,
  code,
  path,
});

/** A row for the production-like stack. */
export const strictCase = (name: string, body: unknown, expected: Outcome): HostileCase => ({
  name,
  on: "strict",
  body,
  expect: expected,
});
/** A row for the local-mode stack with low limits and private sources allowed. */
export const laxCase = (name: string, body: unknown, expected: Outcome): HostileCase => ({
  name,
  on: "lax",
  body,
  expect: expected,
});
/** A row whose body is sent as this exact text (strict stack). */
export const rawCase = (name: string, text: string, expected: Outcome): HostileCase => ({
  name,
  on: "strict",
  body: text,
  raw: true,
  expect: expected,
});

/** A tiny renderable project: 160x120, 10 fps, draft, half a second. */
export const tiny = (
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
export const audio = (src: string, extra: Record<string, unknown> = {}) => ({ type: "audio", src, ...extra });
export const oneSource = (src: string, type = "audio") => tiny([{ type, src }]);
export const scenes = (n: number, scene: Record<string, unknown>) => ({
  resolution: "160x120",
  scenes: Array.from({ length: n }, () => scene),
});

export interface HostileSuiteOptions {
  /** The table must have at least this many rows (guards against a table that lost its rows). */
  minCases?: number;
  /** Each row's own timeout, counted from when its test starts. @default 120 s */
  caseTimeoutMs?: number;
  /** More media for this file's rows, written into `dir` after the standard media. */
  media?: (dir: string) => Promise<void>;
}

/** What the case produced, in the same words as its expectation. */
export function describeOutcome(o: Outcome): string {
  if (o.kind === "job") return `job ${o.status}${o.code ? ` ${o.code}` : ""}`;
  return `${o.status} ${o.code}${o.path !== undefined ? ` @ ${o.path === "" ? "(body)" : o.path}` : ""}`;
}

/** Registers the hooks and one test per row, plus the checks over the whole file, in a `describe`. */
export function hostileSuite(
  title: string,
  rows: (media: HostileMedia) => HostileCase[],
  options: HostileSuiteOptions = {},
): void {
  const dir = join(tmpdir(), `vc-hostile-${randomUUID()}`);
  const media: HostileMedia = { dir, file: (name) => pathToFileURL(join(dir, name)).href };
  const table = rows(media);
  const names = new Set<string>();
  for (const c of table) {
    if (names.has(c.name)) throw new Error(`hostile suite "${title}": two rows named "${c.name}"`);
    names.add(c.name);
  }
  let strict: LocalService;
  let lax: LocalService;
  const strictLog = captureLog();
  const laxLog = captureLog();
  let origin: Origin | undefined;
  const serverResponses: number[] = [];
  const results = new Map<string, { actual: string; ms: number }>();
  const outcomes = new Map<string, () => Promise<string>>();

  async function runCase(c: HostileCase, originUrl: string): Promise<Outcome> {
    const service = c.on === "strict" ? strict : lax;
    const client = new ApiClient(service.url, service.apiKey);
    const body = (c.raw ? (c.body as string) : JSON.stringify(c.body)).replaceAll("{origin}", originUrl);
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
    const job = await client.waitForJob(id, { timeoutMs: 300_000, intervalMs: 100 });
    if (job.status === "completed") return { kind: "job", status: "completed" };
    return { kind: "job", status: job.status as "failed", ...(job.error ? { code: job.error.code } : {}) };
  }

  beforeAll(async () => {
    await mkdir(dir, { recursive: true });
    [origin] = await Promise.all([startOrigin(), writeStandardMedia(dir)]);
    const originUrl = origin.url;
    await options.media?.(dir);
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
    for (const c of table) {
      const t0 = Date.now();
      const outcome = runCase(c, originUrl).then(
        (o) => describeOutcome(o),
        (e: unknown) => `threw: ${(e as Error).message}`,
      );
      outcomes.set(
        c.name,
        startNow(
          outcome.then((actual) => {
            results.set(c.name, { actual, ms: Date.now() - t0 });
            return actual;
          }),
        ),
      );
    }
  }, 120_000);

  afterAll(async () => {
    const rows = table.map((c) => {
      const r = results.get(c.name);
      const expected = describeOutcome(c.expect);
      const check = r === undefined ? "(no outcome)" : r.actual === expected ? "ok" : `expected ${expected}`;
      return `| ${c.name.replaceAll("|", "\\|")} | ${c.on} | ${r?.ms ?? "-"} | ${r?.actual ?? "(unfinished)"} | ${check} |`;
    });
    console.log(
      [`${title}:`, "| case | stack | ms | outcome | check |", "|---|---|---|---|---|", ...rows].join("\n"),
      `\n${table.length} cases`,
    );
    await Promise.all([strict?.stop(), lax?.stop()]);
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe(title, () => {
    if (options.minCases !== undefined) {
      it(`has at least ${options.minCases} cases`, () => {
        expect(table.length).toBeGreaterThanOrEqual(options.minCases!);
      });
    }

    it.each(table.map((c) => [c.name, c] as const))(
      "%s",
      async (_name, c) => {
        const outcome = outcomes.get(c.name);
        expect(outcome, "the case was never sent (did the stacks start?)").toBeDefined();
        expect(await outcome!()).toBe(describeOutcome(c.expect));
      },
      options.caseTimeoutMs ?? 120_000,
    );

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
}

/**
 * The media every suite gets in its folder: `tone.wav` (1 s), `small.png` (32×24), `px200.png`,
 * `clip.mp4` (1 s, 160×120), `not-media.wav` (text), `huge.wav` (3 MB), `bomb-20000.png`,
 * `bomb-16000.png` (PNG bombs), `zero.wav` (0 s), `four-hours.flac`, `eleven-seconds.flac` (silence),
 * `escape.wav` (symlink to /etc/passwd), `truncated.mp4` (half of clip.mp4), `we;ird[0:v]'x,y=z\q.wav`.
 *
 * The origin server (`{origin}` in a body, lax stack) serves `/big-declared.wav` and
 * `/big-chunked.wav` (200 KiB, over the lax 64 KB cap), `/trickle.wav` (a byte every 100 ms, never
 * done), `/slow.wav` (4 bytes, then silence); anything else is 404.
 */
async function writeStandardMedia(dir: string): Promise<void> {
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
  ]);
  await Promise.all([
    writeTruncated(join(dir, "clip.mp4"), join(dir, "truncated.mp4")),
    copyFile(join(dir, "tone.wav"), join(dir, "we;ird[0:v]'x,y=z\\q.wav")),
  ]);
}

/** Fixed DNS answers for the rebinding rows; every other name resolves for real. */
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

interface Origin {
  url: string;
  close(): Promise<void>;
}

async function startOrigin(): Promise<Origin> {
  const big = Buffer.alloc(200 * 1024, 7);
  const server = http.createServer((req, res) => {
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
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => closeServer(server),
  };
}
