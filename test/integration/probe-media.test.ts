import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { JobFailure, type JobFailureCode } from "../../functions/core/errors.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { parseProjectRequest } from "../../functions/core/schema/parse-project-request.js";
import type { Project } from "../../functions/core/schema/project.js";
import { fetchSources } from "../../functions/render/pipeline/fetch-sources.js";
import { probeMedia, probeSources } from "../../functions/render/pipeline/probe-media.js";

const run = promisify(execFile);
const ffmpeg = (...args: string[]) => run("ffmpeg", ["-v", "error", "-y", ...args]);
const probe = { ffprobePath: "ffprobe" };

let root: string;
let media: string;
const file = (name: string) => join(media, name);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "probe-media-"));
  media = join(root, "media");
  await mkdir(media);
  await Promise.all([
    ffmpeg(
      ...["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440"],
      ...["-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", file("clip.mp4")],
    ),
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", file("logo.png")),
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300", "-t", "1.5", file("voice.wav")),
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-t", "1", file("anim.gif")),
    writeFile(file("notes.txt"), "This is not a video.\n".repeat(50)),
  ]);
  await writeFile(file("truncated.mp4"), (await readFile(file("clip.mp4"))).subarray(0, 2048));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>, code: JobFailureCode, message?: RegExp): Promise<JobFailure> {
  const e = await p.then(
    () => expect.unreachable("expected a failure"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JobFailure);
  expect((e as JobFailure).code, (e as JobFailure).message).toBe(code);
  if (message) expect((e as JobFailure).message).toMatch(message);
  return e as JobFailure;
}

describe("probeMedia", () => {
  it("reads a video with sound", async () => {
    const info = await probeMedia(file("clip.mp4"), probe);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, width: 160, height: 120, isStill: false });
    expect(info.durationSeconds).toBeCloseTo(1, 1);
    expect(Math.abs((info.durationSeconds ?? 0) - 1)).toBeLessThanOrEqual(0.05);
  });

  it("reads a still image", async () => {
    const info = await probeMedia(file("logo.png"), probe);
    expect(info).toEqual({
      path: file("logo.png"),
      format: "png_pipe",
      durationSeconds: undefined,
      hasVideo: true,
      hasAudio: false,
      width: 64,
      height: 48,
      isStill: true,
    });
  });

  it("reads audio", async () => {
    const info = await probeMedia(file("voice.wav"), probe);
    expect(info).toMatchObject({ hasVideo: false, hasAudio: true, width: undefined, isStill: false });
    expect(Math.abs((info.durationSeconds ?? 0) - 1.5)).toBeLessThanOrEqual(0.05);
  });

  it("treats an animated GIF as video, not a still", async () => {
    const info = await probeMedia(file("anim.gif"), probe);
    expect(info).toMatchObject({ hasVideo: true, isStill: false });
    expect(Math.abs((info.durationSeconds ?? 0) - 1)).toBeLessThanOrEqual(0.05);
  });

  it.each(["notes.txt", "truncated.mp4"])("rejects %s as invalid media", async (name) => {
    const f = await failure(probeMedia(file(name), probe), "SOURCE_INVALID_MEDIA");
    expect(f.message).not.toContain(media);
  });

  it("lets a missing ffprobe binary through as a deployment error", async () => {
    const e = await probeMedia(file("logo.png"), { ffprobePath: join(root, "no-ffprobe") }).catch(
      (err) => err,
    );
    expect(e).not.toBeInstanceOf(JobFailure);
  });

  it("probes many sources, naming the src of a bad one", async () => {
    const map = await probeSources(
      new Map([
        ["https://cdn.example.com/clip.mp4", file("clip.mp4")],
        ["s3://b/uploads/logo.png", file("logo.png")],
      ]),
      probe,
    );
    expect(map.get("s3://b/uploads/logo.png")?.isStill).toBe(true);
    expect(map.get("https://cdn.example.com/clip.mp4")?.hasAudio).toBe(true);
    await failure(
      probeSources(
        new Map([
          ["https://cdn.example.com/clip.mp4", file("clip.mp4")],
          ["https://cdn.example.com/notes.mp4?sig=secret", file("notes.txt")],
        ]),
        probe,
      ),
      "SOURCE_INVALID_MEDIA",
      /^https:\/\/cdn\.example\.com\/notes\.mp4: /,
    );
  });
});

describe("fetchSources", () => {
  const configFor = (extra: Record<string, string> = {}) =>
    loadConfig({
      VIDEOCRAFT_BUCKET: "vc-bucket",
      VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/queue",
      VIDEOCRAFT_API_KEY: "test-key-0123456789",
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: media,
      ...extra,
    });
  const projectWith = (...srcs: string[]): Project => {
    const r = parseProjectRequest(
      {
        elements: [{ type: "subtitles" }],
        scenes: srcs.map((src) => ({ duration: 1, elements: [{ type: "image", src }] })),
      },
      { maxProjects: 20 },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.projects[0]!;
  };
  const workDir = async () => mkdtemp(join(root, "work-"));

  it("copies file:// sources from the allowed directory and fetches s3 uploads", async () => {
    const store = new InMemoryObjectStore();
    await store.uploadFile("uploads/voice.wav", file("voice.wav"), "audio/wav");
    const logo = pathToFileURL(file("logo.png")).href;
    const project = projectWith(logo, "s3://vc-bucket/uploads/voice.wav", logo);
    const dir = await workDir();
    const paths = await fetchSources(project, { store, config: configFor(), workDir: dir });
    expect([...paths.keys()]).toEqual([logo, "s3://vc-bucket/uploads/voice.wav"]);
    expect(paths.get(logo)).toBe(join(dir, "src-0.png"));
    expect(paths.get("s3://vc-bucket/uploads/voice.wav")).toBe(join(dir, "src-1.wav"));
    expect(await readFile(join(dir, "src-0.png"))).toEqual(await readFile(file("logo.png")));
    const infos = await probeSources(paths, probe);
    expect(infos.get("s3://vc-bucket/uploads/voice.wav")).toMatchObject({ hasAudio: true, hasVideo: false });
  });

  it("refuses file:// outside the allowed directory, also through a symlink", async () => {
    const secret = join(root, "secret.png");
    await writeFile(secret, "x");
    await symlink(secret, file("link.png"));
    const store = new InMemoryObjectStore();
    for (const src of [
      pathToFileURL(secret).href,
      `file://${media}/../secret.png`,
      pathToFileURL(file("link.png")).href,
    ]) {
      await failure(
        fetchSources(projectWith(src), { store, config: configFor(), workDir: await workDir() }),
        "SOURCE_FORBIDDEN",
      );
    }
  });

  it("refuses file:// when no directory is allowed", async () => {
    const config = loadConfig({
      VIDEOCRAFT_BUCKET: "vc-bucket",
      VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/queue",
      VIDEOCRAFT_API_KEY: "test-key-0123456789",
    });
    const project = projectWith(pathToFileURL(file("logo.png")).href);
    await failure(
      fetchSources(project, { store: new InMemoryObjectStore(), config, workDir: await workDir() }),
      "SOURCE_FORBIDDEN",
    );
  });

  it("enforces the size cap on local files and s3 objects", async () => {
    const store = new InMemoryObjectStore();
    await store.uploadFile("uploads/clip.mp4", file("clip.mp4"), "video/mp4");
    const config = configFor({ VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "1kb" });
    const dir = await workDir();
    await failure(
      fetchSources(projectWith(pathToFileURL(file("clip.mp4")).href), { store, config, workDir: dir }),
      "SOURCE_TOO_LARGE",
    );
    await failure(
      fetchSources(projectWith("s3://vc-bucket/uploads/clip.mp4"), { store, config, workDir: dir }),
      "SOURCE_TOO_LARGE",
      /1024-byte limit/,
    );
  });

  it("reports missing sources as unreachable", async () => {
    const store = new InMemoryObjectStore();
    await failure(
      fetchSources(projectWith("s3://vc-bucket/uploads/nope.mp4"), {
        store,
        config: configFor(),
        workDir: await workDir(),
      }),
      "SOURCE_UNREACHABLE",
      /uploads\/nope\.mp4 does not exist/,
    );
    await failure(
      fetchSources(projectWith(pathToFileURL(file("nope.png")).href), {
        store,
        config: configFor(),
        workDir: await workDir(),
      }),
      "SOURCE_UNREACHABLE",
    );
  });

  it("downloads http sources in local mode and keeps the URL's extension", async () => {
    const png = await readFile(file("logo.png"));
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(png));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const src = `http://127.0.0.1:${(server.address() as AddressInfo).port}/img/logo.PNG?sig=abc`;
      const dir = await workDir();
      const store = new InMemoryObjectStore();
      const dev = configFor({ VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true" });
      const paths = await fetchSources(projectWith(src), { store, config: dev, workDir: dir });
      expect(paths.get(src)).toBe(join(dir, "src-0.png"));
      expect(await readFile(join(dir, "src-0.png"))).toEqual(png);
      // The same source on a deployment without local-mode settings is refused outright.
      await failure(
        fetchSources(projectWith(src), { store, config: configFor(), workDir: dir }),
        "SOURCE_FORBIDDEN",
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("refuses an s3 source outside uploads/ before touching the store", async () => {
    const store = new InMemoryObjectStore();
    await store.putText("jobs/01J/request.json", "{}");
    await failure(
      fetchSources(projectWith("s3://vc-bucket/jobs/01J/request.json"), {
        store,
        config: configFor(),
        workDir: await workDir(),
      }),
      "SOURCE_FORBIDDEN",
    );
  });
});
