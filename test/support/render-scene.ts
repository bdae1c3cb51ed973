import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";
import { buildRenderPlan } from "../../functions/core/plan/build-render-plan.js";
import type { RenderPlan, SourceInfo } from "../../functions/core/plan/render-plan.js";
import { runFfmpeg } from "../../functions/render/pipeline/run-ffmpeg.js";
import { parseOneProject } from "./parse-one-project.js";

const run = promisify(execFile);

/** A generated PNG as the planner sees a probed still. */
export function stillSource(path: string, width: number, height: number): SourceInfo {
  return {
    path,
    format: "png_pipe",
    durationSeconds: undefined,
    hasVideo: true,
    hasAudio: false,
    width,
    height,
    isStill: true,
  };
}

/**
 * Plans a request through the real parser and planner and encodes its scene segments with ffmpeg
 * (the picture only: no sound, no assembly), lossless enough to read pixels back.
 */
export async function renderScenes(
  workDir: string,
  body: unknown,
  sources: ReadonlyMap<string, SourceInfo> = new Map(),
): Promise<{ plan: RenderPlan; segments: string[] }> {
  const plan = buildRenderPlan(parseOneProject(body), sources, {
    workDir,
    encoder: { preset: "ultrafast", crf: 4 },
  });
  await mkdir(workDir, { recursive: true });
  for (const scene of plan.scenes) {
    await runFfmpeg(scene.command, { ffmpegPath: "ffmpeg", timeoutMs: 120_000 });
  }
  return { plan, segments: plan.scenes.map((s) => s.command.output) };
}

/** Every frame of a video as 8-bit grey, with a reader. */
export async function greyFrames(path: string, width: number, height: number) {
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
    {
      encoding: "buffer",
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const size = width * height;
  const count = Math.floor(stdout.length / size);
  return Array.from({ length: count }, (_, f) => ({
    at: (x: number, y: number) => stdout[f * size + y * width + x] ?? 0,
  }));
}

/** Brightness-weighted centre of the pixels brighter than `threshold`. */
export function brightCentroid(
  frame: { at(x: number, y: number): number },
  width: number,
  height: number,
  threshold = 60,
): { x: number; y: number; weight: number } {
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = frame.at(x, y);
      if (v <= threshold) continue;
      sx += x * v;
      sy += y * v;
      s += v;
    }
  }
  return { x: sx / s, y: sy / s, weight: s };
}
