import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { grabFrame, near } from "./media-probe.js";

const run = promisify(execFile);

export type Rgb = [number, number, number];
export type Frame = Awaited<ReturnType<typeof grabFrame>>;

export const CAPTION_BACKGROUND: Rgb = [0x20, 0x40, 0x60];
/** The bundled fonts, as the planner passes them to ffmpeg. */
export const FONTS_DIR = "/usr/share/fonts/truetype";

let counter = 0;

/**
 * Burns an ASS file onto a flat background with ffmpeg and returns the frames at `times` (seconds),
 * read back losslessly (PNG). `filter: "ass"` burns it the way VideoCraft does (no fonts directory).
 */
export async function burnAss(
  dir: string,
  content: string,
  o: { width: number; height: number; times: number[]; filter?: "subtitles" | "ass" },
): Promise<Frame[]> {
  const n = counter++;
  const ass = join(dir, `burn-${n}.ass`);
  await writeFile(ass, content);
  const fps = 20;
  const select = o.times.map((t) => `eq(n\\,${Math.round(t * fps)})`).join("+");
  const last = Math.max(...o.times) + 0.2;
  const burn = o.filter === "ass" ? `ass=${ass}` : `subtitles=${ass}:fontsdir=${FONTS_DIR}`;
  await run("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", "-y"],
    ...["-f", "lavfi", "-i", `color=c=0x204060:s=${o.width}x${o.height}:r=${fps}:d=${last}`],
    ...["-vf", `${burn},select='${select}'`],
    ...["-fps_mode", "passthrough", join(dir, `burn-${n}-%02d.png`)],
  ]);
  return Promise.all(
    o.times.map((_, i) => grabFrame(join(dir, `burn-${n}-${String(i + 1).padStart(2, "0")}.png`), 0)),
  );
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Pixels inside (every pixel is looked at). */
  count: number;
  /** Mean x of the pixels. */
  centerX: number;
}

/** Bounding box of the pixels that differ from the background (or match `color`, when given). */
export function pixelBox(f: Frame, color?: Rgb, tolerance = 40): Box {
  const b = { minX: f.width, minY: f.height, maxX: -1, maxY: -1, count: 0, sumX: 0 };
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const p = f.pixel(x, y);
      const hit = color ? near(p, color, tolerance) : !near(p, CAPTION_BACKGROUND, tolerance);
      if (!hit) continue;
      b.count++;
      b.sumX += x;
      b.minX = Math.min(b.minX, x);
      b.maxX = Math.max(b.maxX, x);
      b.minY = Math.min(b.minY, y);
      b.maxY = Math.max(b.maxY, y);
    }
  }
  return {
    minX: b.minX,
    minY: b.minY,
    maxX: b.maxX,
    maxY: b.maxY,
    count: b.count,
    centerX: b.count ? b.sumX / b.count : Number.NaN,
  };
}
