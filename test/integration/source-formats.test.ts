import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeMedia } from "../../functions/render/pipeline/probe-media.js";
import { extractSpeechAudio } from "../../functions/render/speech/extract-speech-audio.js";
import { generateImage, generateTone } from "../../local/generate-media.js";
import { writeSourcesReachingOutside } from "../support/hostile-sources.js";
import { jobFailureOf } from "../support/job-failure.js";

/**
 * Sources are read with the demuxer their first bytes name, never one ffmpeg guesses: playlists,
 * manifests and scripts (which make ffmpeg open the files they list) are refused by the probe and
 * by speech extraction, and an image file name is never taken as a sequence pattern.
 */
const run = promisify(execFile);
let root: string;
let allowed: string;
let outside: string;
const probe = { ffprobePath: "ffprobe" };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "source-formats-"));
  allowed = join(root, "allowed");
  outside = join(root, "outside");
  await Promise.all([mkdir(allowed), mkdir(outside)]);
  await writeSourcesReachingOutside(allowed, outside, { scriptName: "script.txt", toneHz: 440 });
  await Promise.all([
    generateImage(join(allowed, "seq-literal.png"), { width: 64, height: 48, color: "#00ff00" }),
    generateImage(join(allowed, "seq-1.png"), { width: 200, height: 100, color: "#ff0000" }),
    generateTone(join(allowed, "tone.wav"), { seconds: 1 }),
  ]);
  await copyFile(join(allowed, "list.m3u8"), join(allowed, "voice.wav"));
  // Written by copy: ffmpeg's own image writer would expand the %d.
  await copyFile(join(allowed, "seq-literal.png"), join(allowed, "seq-%d.png"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("what ffmpeg itself would follow", () => {
  it("the playlist and manifest really do reach the outside file when ffprobe guesses the format", async () => {
    // The attack, shown with a plain ffprobe: this is what the explicit demuxer prevents.
    for (const name of ["list.m3u8", "manifest.mpd"]) {
      const { stdout } = await run("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=width",
        "-of",
        "csv=p=0",
        join(allowed, name),
      ]);
      expect(stdout.split("\n"), name).toContain("160");
    }
  });
});

describe("probeMedia", () => {
  it.each([
    ["list.m3u8", /HLS playlist/],
    ["voice.wav", /HLS playlist/],
    ["manifest.mpd", /DASH manifest/],
    ["script.txt", /concat script/],
  ])("refuses %s as SOURCE_INVALID_MEDIA without following it", async (name, why) => {
    const e = await jobFailureOf(probeMedia(join(allowed, name), probe));
    expect(e.code).toBe("SOURCE_INVALID_MEDIA");
    expect(e.message).toMatch(why);
  });

  it("reads an image named like a sequence pattern as that one file", async () => {
    const info = await probeMedia(join(allowed, "seq-%d.png"), probe);
    expect(info).toMatchObject({ format: "png_pipe", width: 64, height: 48, isStill: true });
  });

  it("names the demuxer it used", async () => {
    expect((await probeMedia(join(allowed, "tone.wav"), probe)).format).toBe("wav");
  });
});

describe("extractSpeechAudio", () => {
  it("refuses a playlist posing as narration", async () => {
    const e = await jobFailureOf(
      extractSpeechAudio(join(allowed, "voice.wav"), join(root, "out.wav"), { ffmpegPath: "ffmpeg" }),
    );
    expect(e.code).toBe("SOURCE_INVALID_MEDIA");
  });

  it("still extracts real audio", async () => {
    await extractSpeechAudio(join(allowed, "tone.wav"), join(root, "speech.wav"), { ffmpegPath: "ffmpeg" });
    const { stdout } = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=sample_rate,channels",
      "-of",
      "csv=p=0",
      join(root, "speech.wav"),
    ]);
    expect(stdout.trim()).toBe("16000,1");
  });
});
