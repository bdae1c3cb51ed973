import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  generateImage,
  generatePhoto,
  generateSpeech,
  generateTone,
  generateVideo,
} from "./generate-media.js";

/** The files the examples' `{{MEDIA}}` placeholders name, made from nothing (ffmpeg, espeak-ng). */
export const DEMO_MEDIA_FILES = [
  "background.mp4",
  "clip.mp4",
  "logo.png",
  "card.png",
  "music.wav",
  "intro.wav",
  "details.wav",
  "product-1.png",
  "product-2.png",
  "product-3.png",
  "product-1.wav",
  "product-2.wav",
  "product-3.wav",
] as const;

/** The product short's narration, scene by scene (also its caption scripts in examples/product-short.json). */
const PRODUCT_LINES = [
  "Meet the Keeper, the bottle that keeps drinks cold all day.",
  "Steel walls, a leak proof lid, and it fits every cup holder.",
  "Order today and get free shipping.",
];

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
    // The product short: three stills (portrait, landscape, square) and one line of narration each.
    generatePhoto(join(dir, "product-1.png"), { width: 1200, height: 1800, from: "#1d3557", to: "#e63946" }),
    generatePhoto(join(dir, "product-2.png"), { width: 2400, height: 1200, from: "#2a9d8f", to: "#264653" }),
    generatePhoto(join(dir, "product-3.png"), { width: 1500, height: 1500, from: "#f4a261", to: "#6d597a" }),
    ...PRODUCT_LINES.map((line, i) => generateSpeech(join(dir, `product-${i + 1}.wav`), line)),
  ]);
}
