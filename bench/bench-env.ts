import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

/** Where the benchmarks keep generated inputs, outputs and their last report. */
export const CACHE = resolve(".cache/bench");
export const INPUTS = join(CACHE, "inputs");
export const OUT = join(CACHE, "out");

/** The frame every case renders at. */
export const FRAME = { width: 1920, height: 1080, fps: 30 } as const;
/** Where each scene's image sits (VideoCraft's plan scales it to 500×500 there too). */
export const IMAGE_AT = { x: 120, y: 200 } as const;
/**
 * Rows at the bottom of the frame the captions are drawn in, measured on their own: burned text
 * has sharp edges that dominate a whole-frame SSIM.
 */
export const CAPTION_ROWS = 240;

export const exec = promisify(execFile);

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function ffmpegQuiet(args: string[]): Promise<void> {
  await exec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], {
    maxBuffer: 64 * 2 ** 20,
  });
}

export async function probeDuration(path: string): Promise<number> {
  const { stdout } = await exec("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "default=nw=1:nk=1",
    path,
  ]);
  return Number(stdout.trim());
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export const medianOrNull = (xs: readonly (number | null | undefined)[]): number | null =>
  xs.length > 0 && xs.every((x) => typeof x === "number") ? median(xs as number[]) : null;

export const round = (x: number | null | undefined, digits = 3): number | null =>
  typeof x === "number" && Number.isFinite(x) ? Number(x.toFixed(digits)) : null;
