import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Where whisper.cpp's CLI and the ggml model are. Resolved once at start-up from the environment
 * (passed in, never read here) and handed to the pipeline as options:
 *
 * - binary: `VIDEOCRAFT_WHISPER_BIN`, else `.cache/whisper/build/bin/whisper-cli` of the checkout
 *   (what `scripts/build-whisper.sh` builds), else `/opt/whisper/whisper-cli` (the render image).
 * - model: `VIDEOCRAFT_WHISPER_MODEL_PATH`, else `.cache/whisper/models/ggml-<model>.bin` (what
 *   `scripts/download-whisper-model.ts` writes), else `/opt/whisper/models/ggml-<model>.bin`.
 *
 * The returned paths need not exist: a missing model fails the job with TRANSCRIPTION_FAILED and
 * a message saying how to get one, and only when a job actually needs speech recognition.
 */
export interface WhisperPaths {
  binary: string;
  modelPath: string;
  /** The configured model name, e.g. `base.en` (VIDEOCRAFT_TRANSCRIPTION_MODEL). */
  model: string;
}

export const IMAGE_WHISPER_DIR = "/opt/whisper";
/** The repository root, from functions/render/speech/. */
export const PROJECT_ROOT = resolve(import.meta.dirname, "../../..");

export function resolveWhisperPaths(
  model: string,
  env: Readonly<Record<string, string | undefined>>,
  o: { projectRoot?: string; exists?: (path: string) => boolean } = {},
): WhisperPaths {
  const root = o.projectRoot ?? PROJECT_ROOT;
  const exists = o.exists ?? existsSync;
  const file = `ggml-${model}.bin`;
  const pick = (fromEnv: string | undefined, local: string, image: string) =>
    fromEnv?.trim() ? fromEnv.trim() : exists(local) || !exists(image) ? local : image;
  return {
    binary: pick(
      env.VIDEOCRAFT_WHISPER_BIN,
      join(root, ".cache/whisper/build/bin/whisper-cli"),
      join(IMAGE_WHISPER_DIR, "whisper-cli"),
    ),
    modelPath: pick(
      env.VIDEOCRAFT_WHISPER_MODEL_PATH,
      join(root, ".cache/whisper/models", file),
      join(IMAGE_WHISPER_DIR, "models", file),
    ),
    model,
  };
}
