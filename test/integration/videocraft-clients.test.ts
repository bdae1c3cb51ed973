import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSpeech } from "../../local/generate-media.js";
import { ffprobe, grabFrame, near } from "../support/media-probe.js";
import { ensureTinyWhisperModel } from "../support/tiny-whisper-model.js";

/**
 * VideoCraft's documented clients, copied verbatim into test/fixtures/videocraft-clients/, run
 * unchanged against `videocraft serve` (the real CLI, configured with VideoCraft's own variable
 * names) to a downloaded MP4 that ffprobe reads: its docs' Python client (Debian's python3 and
 * python3-requests), its README's curl steps (bash, curl, jq) and its docs' fetch example (Node).
 * Each fixture is run after replacing only the placeholder literals it documents (the server, the
 * key, the audio URL, here a narration served from localhost); none asks for captions from a
 * script, so they come from whisper.cpp running the generated tiny test model.
 */
const root = resolve(import.meta.dirname, "../..");
const fixtures = join(root, "test/fixtures/videocraft-clients");
const run = promisify(execFile);
const KEY = "videocraft-compat-key-0123456789";

let dir: string;
let media: http.Server;
let audioUrl: string;
let serve: ChildProcess;
let baseUrl: string;
let serveOutput = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-clients-"));
  await generateSpeech(join(dir, "narration.wav"), "Every morning the keeper climbs the stairs.");
  media = http.createServer((req, res) => {
    if (req.url !== "/narration.wav") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "audio/wav" });
    createReadStream(join(dir, "narration.wav")).pipe(res);
  });
  media.listen(0, "127.0.0.1");
  await once(media, "listening");
  audioUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/narration.wav`;

  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("VIDEOCRAFT_")) env[name] = value;
  }
  serve = spawn(process.execPath, [join(root, "local/bin/videocraft.mjs"), "serve"], {
    cwd: dir,
    env: {
      ...env,
      // VideoCraft's names, as a VideoCraft deployment's environment has them.
      VIDEOCRAFT_SECURITY_API_KEY: KEY,
      VIDEOCRAFT_SERVER_PORT: "0",
      VIDEOCRAFT_SERVER_HOST: "127.0.0.1",
      // The narration comes from a server on this machine.
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      VIDEOCRAFT_WORK_DIR: join(dir, "work"),
      VIDEOCRAFT_TRANSCRIPTION_MODEL: "tiny.en",
      VIDEOCRAFT_WHISPER_MODEL_PATH: await ensureTinyWhisperModel(),
      // Every request line is logged, so the last test can look for the key in them.
      VIDEOCRAFT_LOG_LEVEL: "INFO",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const seen = (chunk: Buffer) => {
      serveOutput += chunk.toString();
      const m = /listening on (http:\/\/[^\s/]+)\/v1/.exec(serveOutput);
      if (m?.[1]) resolveUrl(m[1]);
    };
    serve.stdout?.on("data", seen);
    serve.stderr?.on("data", seen);
    serve.once("exit", (code) =>
      reject(new Error(`serve exited (${code}) before listening:\n${serveOutput}`)),
    );
  });
}, 120_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    serve.kill("SIGTERM");
    await once(serve, "exit");
  }
  media?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fixture's text with each documented placeholder replaced; fails if one is missing (drift). */
async function fixture(name: string, replacements: Record<string, string>): Promise<string> {
  let text = await readFile(join(fixtures, name), "utf8");
  for (const [literal, value] of Object.entries(replacements)) {
    expect(text, `${name} holds ${literal}`).toContain(literal);
    text = text.replaceAll(literal, value);
  }
  return text;
}

/** A folder of its own for one client, as a user's working directory. */
async function workdir(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  return path;
}

/** The MP4 a client wrote: H.264 + AAC, the narration's length, captions burned in near-white. */
async function expectVideo(path: string, o: { width: number; height: number }) {
  expect((await stat(path)).size).toBeGreaterThan(1000);
  const probe = await ffprobe(path);
  const video = probe.streams.find((s) => s.codec_type === "video");
  expect(video).toMatchObject({ codec_name: "h264", width: o.width, height: o.height });
  expect(probe.streams.find((s) => s.codec_type === "audio")?.codec_name).toBe("aac");
  expect(probe.duration).toBeGreaterThan(1.5);
  // The tiny model's words sit in its first 2 s; white text over a dark background.
  const frame = await grabFrame(path, 1.0);
  let white = 0;
  for (let y = Math.floor(frame.height / 2); y < frame.height; y += 2) {
    for (let x = 0; x < frame.width; x += 2) if (near(frame.pixel(x, y), [255, 255, 255], 40)) white++;
  }
  expect(white, "caption pixels in the lower half").toBeGreaterThan(50);
}

describe("VideoCraft's documented clients against videocraft serve", () => {
  it("its docs' Python client (requests) runs unchanged to a downloaded MP4", async () => {
    const cwd = await workdir("python");
    const script = await fixture("python-requests-example.py", {
      "https://api.yourdomain.com/api/v1": `${baseUrl}/api/v1`,
      "your-api-key": KEY,
      "https://example.com/audio.mp3": audioUrl,
    });
    await writeFile(join(cwd, "client.py"), script);
    const { stdout } = await run("/usr/bin/python3", ["client.py"], { cwd, timeout: 300_000 });
    const m = /Video downloaded: (video_(\w+)\.mp4)/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    expect(stdout).toMatch(/Status: completed \(100%\)/);
    await expectVideo(join(cwd, m?.[1] ?? ""), { width: 1920, height: 1080 });
  }, 320_000);

  it("its README's curl steps run unchanged to output.mp4", async () => {
    const cwd = await workdir("readme");
    const script = await fixture("readme-quick-start.sh", {
      "http://localhost:3002": baseUrl,
      "your-secure-api-key": KEY,
      "https://example.com/your-audio.mp3": audioUrl,
    });
    await writeFile(join(cwd, "steps.sh"), script);
    const { stdout } = await run("bash", ["steps.sh"], { cwd, timeout: 300_000 });
    expect(stdout).toMatch(/"status":"pending"/);
    expect(stdout).toMatch(/: completed$/m);
    await expectVideo(join(cwd, "output.mp4"), { width: 1920, height: 1080 });
  }, 320_000);

  it("its docs' fetch example submits a job whose video then downloads from /api/v1/download/{id}", async () => {
    const cwd = await workdir("fetch");
    const example = await fixture("fetch-example.mjs", {
      "your-api-key": KEY,
      "https://example.com/audio.mp3": audioUrl,
    });
    const origin = `const fetch = (url, init) => globalThis.fetch(new URL(url, ${JSON.stringify(baseUrl)}), init);\n`;
    await writeFile(join(cwd, "client.mjs"), origin + example);
    const { stdout } = await run(process.execPath, ["client.mjs"], { cwd, timeout: 60_000 });
    const id = /Job ID: (\w+)/.exec(stdout)?.[1];
    expect(id, stdout).toBeTruthy();
    const auth = { Authorization: `Bearer ${KEY}` };
    let status = "";
    for (let i = 0; i < 600 && !["completed", "failed"].includes(status); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      status = (
        (await (await fetch(`${baseUrl}/api/v1/jobs/${id}/status`, { headers: auth })).json()) as {
          status: string;
        }
      ).status;
    }
    expect(status).toBe("completed");
    const video = await fetch(`${baseUrl}/api/v1/download/${id}`, { headers: auth, redirect: "manual" });
    expect(video.status).toBe(200);
    expect(video.headers.get("content-type")).toBe("video/mp4");
    await writeFile(join(cwd, "video.mp4"), Buffer.from(await video.arrayBuffer()));
    await expectVideo(join(cwd, "video.mp4"), { width: 1920, height: 1080 });
  }, 320_000);

  it("keeps a key sent as ?api_key= out of the server's log", async () => {
    const res = await fetch(`${baseUrl}/api/v1/jobs?api_key=${KEY}&limit=1`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // The request line is written once the answer is: wait for it rather than for time.
    for (let i = 0; i < 100 && !/"route":"\/api\/v1\/jobs","status":200/.test(serveOutput); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(serveOutput).toMatch(/"route":"\/api\/v1\/jobs","status":200/);
    expect(serveOutput).not.toContain(KEY);
  });
});
