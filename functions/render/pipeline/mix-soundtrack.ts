import {
  loudnessApplyCommand,
  loudnessMeasureArgs,
  parseLoudnessMeasurement,
} from "../../core/plan/loudness.js";
import type { RenderPlan } from "../../core/plan/render-plan.js";
import { runProcess } from "../speech/run-process.js";
import { type RunFfmpegOptions, runFfmpeg } from "./run-ffmpeg.js";

/**
 * Mixes the soundtrack and, when the project asks for a loudness, normalises it: the mix is
 * measured (its statistics come from ffmpeg's log, so this step runs ffmpeg itself instead of a
 * planned command) and the planned second pass applies them. Returns the file the assembly muxes.
 */
export async function mixSoundtrack(
  plan: Pick<RenderPlan, "audio" | "loudness">,
  options: RunFfmpegOptions,
): Promise<string> {
  const { onProgress, ...quiet } = options;
  const loudness = plan.loudness;
  await runFfmpeg(plan.audio, {
    ...quiet,
    ...(onProgress ? { onProgress: (f: number) => onProgress(loudness ? f * 0.6 : f) } : {}),
  });
  if (!loudness) return plan.audio.output;
  const { stderr } = await runProcess(options.ffmpegPath, loudnessMeasureArgs(loudness), {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    failureCode: "RENDER_FAILED",
    what: "measuring the soundtrack's loudness",
  });
  onProgress?.(0.8);
  await runFfmpeg(loudnessApplyCommand(loudness, parseLoudnessMeasurement(stderr)), quiet);
  onProgress?.(1);
  return loudness.output;
}
