import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAssDocument } from "../../functions/core/captions/build-ass-document.js";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { generateSpeech } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { burnAss, pixelBox } from "../support/burn-captions.js";
import { ffprobe, grabFrame, near } from "../support/media-probe.js";
import { ensureTinyWhisperModel } from "../support/tiny-whisper-model.js";

/**
 * Captions through the whole product path: a job whose subtitles come from whisper.cpp (the real
 * binary on the generated tiny model, whose decoder says "alpha bravo charlie delta echo" over the
 * first 2 s) and a job whose known script is force-aligned with pocketsphinx; both burned in.
 */
let dir: string;
let service: LocalService;
let client: ApiClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-captions-"));
  await generateSpeech(join(dir, "narration.wav"), "The keeper climbs the stairs every single morning.");
  service = await startLocalService({
    env: {
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      VIDEOCRAFT_TRANSCRIPTION_MODEL: "tiny.en",
      VIDEOCRAFT_WHISPER_MODEL_PATH: await ensureTinyWhisperModel(),
    },
  });
  client = new ApiClient(service.url, service.apiKey);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function render(body: unknown, name: string): Promise<{ job: JobView; path: string }> {
  const created = (await client.submit(body)) as { id?: string; jobs?: { id: string }[] };
  const id = created.id ?? created.jobs?.[0]?.id ?? "";
  const job = await client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 150 });
  const path = join(dir, `${name}.mp4`);
  if (job.status === "completed") await client.downloadVideo(id, path);
  return { job, path };
}

/** Pixels near `color` in the bottom third of a 640x360 frame. */
async function captionPixels(path: string, t: number, color: [number, number, number]): Promise<number> {
  const frame = await grabFrame(path, t);
  let count = 0;
  for (let y = 240; y < 360; y += 2) {
    for (let x = 0; x < 640; x += 2) if (near(frame.pixel(x, y), color, 50)) count++;
  }
  return count;
}

describe("captions end to end", () => {
  it("renders a VideoCraft-style request (global subtitles with only settings, underscore keys) through whisper.cpp", async () => {
    const { job, path } = await render(
      [
        {
          resolution: "custom",
          width: 640,
          height: 360,
          background_color: "#202020",
          elements: [
            {
              type: "subtitles",
              id: "subs",
              settings: {
                style: "progressive",
                font_family: "Luckiest Guy",
                font_size: 36,
                word_color: "#00ff00",
                line_color: "#00ff00",
                position: "center-bottom",
              },
            },
          ],
          scenes: [{ elements: [{ type: "audio", src: `file://${join(dir, "narration.wav")}` }] }],
        },
      ],
      "whisper",
    );
    expect(job.status).toBe("completed");
    expect(job.warnings?.join(" ")).toMatch(/Luckiest Guy/);
    const probe = await ffprobe(path);
    expect(probe.streams.filter((s) => s.codec_type === "audio")).toHaveLength(1);
    expect(await captionPixels(path, 1.0, [0, 255, 0])).toBeGreaterThan(30);
  }, 180_000);

  it("aligns a known script with pocketsphinx, highlights the spoken word, and caches the timings", async () => {
    const body = {
      resolution: "640x360",
      "background-color": "#202020",
      scenes: [
        {
          elements: [
            { type: "audio", src: `file://${join(dir, "narration.wav")}` },
            {
              type: "subtitles",
              text: "The keeper climbs the stairs every single morning.",
              settings: {
                style: "karaoke",
                "word-color": "#ff00ff",
                "line-color": "#ffffff",
                "font-size": 40,
              },
            },
          ],
        },
      ],
    };
    const first = await render(body, "aligned");
    expect(first.job.status).toBe("completed");
    expect(await captionPixels(first.path, 1.2, [255, 0, 255])).toBeGreaterThan(20);
    const cached = await service.store.list("cache/words/");
    expect(cached.keys.length).toBeGreaterThan(0);
    const second = await render(body, "aligned-again");
    expect(second.job.status).toBe("completed");
    expect((await service.store.list("cache/words/")).keys).toEqual(cached.keys);
  }, 180_000);

  it("gives a scene's script the project's caption look: centred, upper-case, the project's size, no warning", async () => {
    const look = {
      style: "classic",
      "font-size": 16,
      position: "center-center",
      "all-caps": true,
      "outline-width": 3,
    } as const;
    const { job, path } = await render(
      {
        width: 360,
        height: 640,
        "background-color": "#204060",
        elements: [{ type: "subtitles", settings: look }],
        scenes: [
          {
            elements: [
              { type: "audio", src: `file://${join(dir, "narration.wav")}` },
              { type: "subtitles", text: "The keeper climbs the stairs every single morning." },
            ],
          },
        ],
      },
      "cascade",
    );
    expect(job.status).toBe("completed");
    expect(job.warnings ?? []).toEqual([]);
    const frame = await grabFrame(path, 1.2);
    const drawn = pixelBox(frame);
    const text = pixelBox(frame, [255, 255, 255], 60);
    expect(text.count).toBeGreaterThan(100);
    // Centred (not at the bottom, where the scene's own defaults would put it), and drawn once.
    expect(Math.abs((drawn.minY + drawn.maxY) / 2 - 320)).toBeLessThan(40);
    expect(Math.abs(text.centerX - 180)).toBeLessThan(36);
    expect(drawn.maxY).toBeLessThan(2 * 213);
    // Upper-case at the project's size: the letters stand exactly as tall as capitals drawn with the
    // project's look, and not as tall as mixed case at the default size.
    const reference = async (settings: Record<string, unknown>, word: string) => {
      const doc = buildAssDocument({
        width: 360,
        height: 640,
        words: [{ word, start: 0, end: 1 }],
        settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k.replaceAll("-", "_"), v])),
        sceneDuration: 2,
      });
      const [f] = await burnAss(dir, doc.content, { width: 360, height: 640, times: [0.5] });
      if (!f) throw new Error("no frame");
      return pixelBox(f, [255, 255, 255], 60);
    };
    const height = (b: { minY: number; maxY: number }) => b.maxY - b.minY + 1;
    const capitals = await reference(look, "KEEPER");
    const defaults = await reference({}, "keeper");
    expect(height(text) / height(capitals)).toBeGreaterThan(0.9);
    expect(height(text) / height(capitals)).toBeLessThan(1.1);
    expect(height(text) / height(defaults)).toBeLessThan(0.75);
  }, 180_000);
});
