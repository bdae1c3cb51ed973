import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FRAME, IMAGE_AT } from "./bench-env.js";
import { type Meter, measuredRun, timedFfmpeg, withNodeRss } from "./ffmpeg-usage.js";
import type { CaseInputs } from "./inputs.js";
import { LOSSLESS, type RunResult, type Variant } from "./variant.js";
import { type TimedWord, videocraftBaselineCommand, wordByWordAss } from "./videocraft-baseline-plan.js";

/** VideoCraft's single command for the case, run and measured. */
export async function runBaseline(
  inputs: CaseInputs,
  words: TimedWord[][],
  variant: Variant,
  dir: string,
  meter: Meter,
): Promise<RunResult> {
  let assPath: string | undefined;
  if (variant.captions) {
    assPath = join(dir, `${variant.name}.ass`);
    // VideoCraft draws captions at the background's size; here that is the output size.
    await writeFile(assPath, wordByWordAss(words.flat(), FRAME.width, FRAME.height));
  }
  const output = join(dir, `${variant.name}.mp4`);
  const encoder = variant.reference ? LOSSLESS : { preset: variant.preset, crf: variant.crf };
  const command = videocraftBaselineCommand({
    background: inputs.background,
    scenes: inputs.narration.map((n, i) => ({
      audio: { path: n.path, durationSeconds: n.durationSeconds },
      image: { path: inputs.images[i % inputs.images.length] ?? "", ...IMAGE_AT },
    })),
    width: FRAME.width,
    height: FRAME.height,
    quality: "medium",
    encoder: Object.fromEntries(Object.entries(encoder).filter(([, v]) => v !== undefined)),
    ...(assPath ? { assPath } : {}),
    output,
  });
  const { value: run, nodeRssMb } = await withNodeRss(() => timedFfmpeg({ ...command, files: [] }, meter));
  return measuredRun(run.seconds, [run], nodeRssMb, output);
}
