import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../local/api-client.js";
import { generateSpeech, generateTone } from "../../local/generate-media.js";
import { ffprobe } from "../support/media-probe.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

const run = promisify(execFile);

/**
 * Ducking, loudness and the GIF preview through the whole local service (API, queue, worker,
 * bucket), measured on the MP4 it stores: ffmpeg's ebur128 for loudness and true peak, astats for
 * the music's level under and away from the narration.
 */
let s: TinyMediaService;

beforeAll(async () => {
  s = await startTinyMediaService("sound");
  await Promise.all([
    // Music at 220 Hz all along; narration at 2 kHz, so a low-pass keeps only the music.
    generateTone(join(s.dir, "music.wav"), { seconds: 8, hz: 220, volume: 0.3 }),
    generateTone(join(s.dir, "voice.wav"), { seconds: 2, hz: 2000, volume: 0.3 }),
    generateSpeech(
      join(s.dir, "speech.wav"),
      "Loudness is measured over the whole mix, then one gain brings it to the target.",
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

const file = (name: string) => `file://${join(s.dir, name)}`;
const dot = () => ({ type: "image", src: file("dot.png"), x: 4, y: 4 });

/** Three 2 s scenes; the middle one is narrated, from 2 s to 4 s. */
const narrated = (extra: Record<string, unknown>, music: Record<string, unknown> = {}) => ({
  width: 160,
  height: 90,
  fps: 10,
  elements: [{ type: "audio", src: file("music.wav"), ...music }],
  scenes: [
    { duration: 2, elements: [dot()] },
    { duration: 2, elements: [dot(), { type: "audio", src: file("voice.wav") }] },
    { duration: 2, elements: [dot()] },
  ],
  ...extra,
});

async function render(body: unknown, name: string): Promise<{ job: JobView; path: string }> {
  const { id } = await s.client.submit(body);
  const job = await s.client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 200 });
  expect(job.status, JSON.stringify(job.error)).toBe("completed");
  const path = join(s.dir, `${name}.mp4`);
  await s.client.downloadVideo(id, path);
  return { job, path };
}

/** Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's EBU R128 meter measures them. */
async function ebur128(path: string): Promise<{ integrated: number; truePeak: number }> {
  const { stderr } = await run("ffmpeg", [
    "-hide_banner",
    "-nostats",
    "-i",
    path,
    "-vn",
    "-af",
    "ebur128=peak=true",
    "-f",
    "null",
    "-",
  ]);
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const integrated = Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
  const truePeak = Number(/True peak:\s+Peak:\s+(-?[\d.]+) dBFS/.exec(summary)?.[1]);
  return { integrated, truePeak };
}

/** RMS level (dB) of the music alone (below 400 Hz) between `from` and `to` seconds. */
async function musicLevel(path: string, from: number, to: number): Promise<number> {
  const lowpass = Array.from({ length: 4 }, () => "lowpass=f=400").join(",");
  const { stderr } = await run("ffmpeg", [
    ...["-hide_banner", "-nostats", "-i", path, "-vn"],
    ...[
      "-af",
      `atrim=start=${from}:end=${to},${lowpass},pan=mono|c0=c0,astats=measure_overall=RMS_level:measure_perchannel=none`,
    ],
    ...["-f", "null", "-"],
  ]);
  const m = /RMS level dB:\s+(-?[\d.]+|-inf)/.exec(stderr);
  if (!m?.[1]) throw new Error(`astats printed no RMS level:\n${stderr.slice(-800)}`);
  return Number(m[1]);
}

describe("sound", () => {
  it("ducks the music by amount_db under the narration, ramping before and after it", async () => {
    const { path } = await render(
      narrated({}, { volume: 1, ducking: { amount_db: 12, attack: 0.3, release: 0.6 } }),
      "ducked",
    );
    const before = await musicLevel(path, 0.3, 1.5);
    const under = await musicLevel(path, 2.2, 3.8);
    const after = await musicLevel(path, 4.9, 5.8);
    console.log(
      `ducking: music ${before.toFixed(2)} dB before, ${under.toFixed(2)} dB under the narration, ${after.toFixed(2)} dB after`,
    );
    expect(before - under).toBeGreaterThan(11);
    expect(before - under).toBeLessThan(13);
    expect(Math.abs(after - before)).toBeLessThan(0.5);
    // The ramp: the music is already going down in the attack before the first word.
    const ramp = await musicLevel(path, 1.75, 1.95);
    expect(ramp).toBeLessThan(before - 2);
    expect(ramp).toBeGreaterThan(under + 2);
  }, 180_000);

  it("leaves the music alone without ducking, and honours fade_in/fade_out", async () => {
    const { path } = await render(narrated({}, { "fade-in": 1, "fade-out": 1 }), "faded");
    const start = await musicLevel(path, 0, 0.3);
    const full = await musicLevel(path, 2.2, 3.8);
    const end = await musicLevel(path, 5.7, 6);
    expect(full - start).toBeGreaterThan(8);
    expect(full - end).toBeGreaterThan(8);
    expect(Math.abs(full - (await musicLevel(path, 1.2, 1.8)))).toBeLessThan(0.5);
  }, 180_000);

  it.each([-14, -16, -23])(
    "normalises speech under music to %d LUFS (within 1 LU) with the true peak at or below -1 dBTP",
    async (target) => {
      const body = {
        width: 160,
        height: 90,
        fps: 10,
        loudness: target,
        elements: [{ type: "audio", src: file("music.wav"), volume: 0.5, ducking: true }],
        scenes: [
          { duration: 1, elements: [dot()] },
          { elements: [dot(), { type: "audio", src: file("speech.wav"), volume: 2 }] },
        ],
      };
      const { path } = await render(body, `loud${-target}`);
      const measured = await ebur128(path);
      console.log(
        `loudness ${target}: measured ${measured.integrated} LUFS, true peak ${measured.truePeak} dBTP`,
      );
      expect(Math.abs(measured.integrated - target)).toBeLessThanOrEqual(1);
      expect(measured.truePeak).toBeLessThanOrEqual(-1);
    },
    180_000,
  );

  it("keeps the music at its own level without loudness or ducking", async () => {
    const { path } = await render(narrated({}, { volume: 1 }), "plain");
    const source = await musicLevel(join(s.dir, "music.wav"), 0.3, 1.5);
    expect(Math.abs((await musicLevel(path, 0.3, 1.5)) - source)).toBeLessThan(0.5);
    expect(Math.abs((await musicLevel(path, 2.2, 3.8)) - source)).toBeLessThan(0.5);
  }, 180_000);
});

describe("output previews", () => {
  it("stores a GIF preview with its own link, and no poster when it is turned off", async () => {
    const { id } = await s.client.submit(
      narrated({ output: { poster: false, gif_preview: { seconds: 2, width: 120, fps: 5 } } }),
    );
    const job = await s.client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 200 });
    expect(job.status).toBe("completed");
    expect(job.gif_url).toBeTruthy();
    const res = await fetch(job.gif_url ?? "");
    expect(res.status).toBe(200);
    const gif = join(s.dir, "preview.gif");
    await writeFile(gif, Buffer.from(await res.arrayBuffer()));
    const probe = await ffprobe(gif);
    expect(probe.streams[0]).toMatchObject({ codec_name: "gif", width: 120, height: 68 });
    expect(probe.duration).toBeCloseTo(2, 0);
    expect(await s.service.store.exists(`videos/${id}.jpg`)).toBe(false);
    expect(await s.service.store.exists(`videos/${id}.gif`)).toBe(true);
  }, 180_000);
});
