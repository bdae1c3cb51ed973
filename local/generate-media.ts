import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Makes media from nothing (ffmpeg lavfi sources, espeak-ng speech) so the demo and the tests
 * never download anything. Each function writes one file and resolves when it is complete.
 */
async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
}

/** A moving test pattern, optionally with a tone as its sound. */
export async function generateVideo(
  path: string,
  o: { seconds: number; width: number; height: number; fps?: number; toneHz?: number },
): Promise<void> {
  const fps = o.fps ?? 30;
  const audio = o.toneHz
    ? ["-f", "lavfi", "-i", `sine=frequency=${o.toneHz}:sample_rate=48000:duration=${o.seconds}`]
    : [];
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${o.width}x${o.height}:rate=${fps}:duration=${o.seconds}`,
    ...audio,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    ...(o.toneHz ? ["-c:a", "aac", "-shortest"] : []),
    path,
  ]);
}

/** A solid colour picture (PNG keeps the alpha of #RRGGBBAA colours). */
export async function generateImage(
  path: string,
  o: { width: number; height: number; color: string },
): Promise<void> {
  const c = o.color.replace("#", "0x");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `color=c=${c}:s=${o.width}x${o.height}:d=1,format=rgba`,
    "-frames:v",
    "1",
    path,
  ]);
}

/**
 * A stand-in for a product photo: a diagonal gradient between two colours under a faint grid, with a
 * light square where the product would be, so that a zoom or a pan over it is plain to see.
 */
export async function generatePhoto(
  path: string,
  o: { width: number; height: number; from: string; to: string },
): Promise<void> {
  const c = (hex: string) => hex.replace("#", "0x");
  const side = Math.round(Math.min(o.width, o.height) / 3);
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `gradients=s=${o.width}x${o.height}:c0=${c(o.from)}:c1=${c(o.to)}:x0=0:y0=0:x1=${o.width}:y1=${o.height}:d=1`,
    "-vf",
    `drawgrid=w=${Math.round(side / 4)}:h=${Math.round(side / 4)}:t=2:c=white@0.25,` +
      `drawbox=x=${Math.round((o.width - side) / 2)}:y=${Math.round((o.height - side) / 2)}:w=${side}:h=${side}:color=0xf1faee:t=fill`,
    "-frames:v",
    "1",
    path,
  ]);
}

/** A sine tone: audio whose level the tests can measure. */
export async function generateTone(
  path: string,
  o: { seconds: number; hz?: number; volume?: number },
): Promise<void> {
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=${o.hz ?? 440}:sample_rate=48000:duration=${o.seconds},volume=${o.volume ?? 0.5}`,
    "-ac",
    "2",
    path,
  ]);
}

/** Spoken English from espeak-ng (WAV). */
export async function generateSpeech(
  path: string,
  text: string,
  o: { wordsPerMinute?: number } = {},
): Promise<void> {
  await run("espeak-ng", ["-v", "en-us", "-s", String(o.wordsPerMinute ?? 160), "-w", path, text]);
}
