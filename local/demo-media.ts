import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { generateImage, generateSpeech, generateTone, generateVideo } from "./generate-media.js";

/** The files the examples' `{{MEDIA}}` placeholders name, made from nothing (ffmpeg, espeak-ng). */
export const DEMO_MEDIA_FILES = [
  "background.mp4",
  "clip.mp4",
  "logo.png",
  "card.png",
  "music.wav",
  "intro.wav",
  "details.wav",
] as const;

/** Writes every {@link DEMO_MEDIA_FILES} entry into `dir`. */
export async function generateDemoMedia(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    generateVideo(join(dir, "background.mp4"), { seconds: 4, width: 640, height: 360, fps: 30 }),
    generateVideo(join(dir, "clip.mp4"), { seconds: 3, width: 640, height: 480, fps: 30, toneHz: 660 }),
    generateImage(join(dir, "logo.png"), { width: 200, height: 200, color: "#ffd500cc" }),
    generateImage(join(dir, "card.png"), { width: 640, height: 400, color: "#e0406a" }),
    generateTone(join(dir, "music.wav"), { seconds: 6, hz: 220, volume: 0.4 }),
    generateSpeech(
      join(dir, "intro.wav"),
      "Welcome to VideoCraft Serverless. This video was rendered from a JSON description.",
    ),
    generateSpeech(
      join(dir, "details.wav"),
      "Every scene is encoded on its own, the sound is mixed once, and the result lands in S3.",
    ),
  ]);
}
