import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { JobFailure } from "../../core/errors.js";
import { WHISPER_MODELS, type WhisperModelName, whisperModelBySha256 } from "../../core/whisper-models.js";

/** What a ggml model file is, by content. */
export interface WhisperModelIdentity {
  /** sha256 of the file: what cached words are keyed on. */
  sha256: string;
  /** It has language tokens (tiny, base, small…), not English only (`.en`). */
  multilingual: boolean;
  /** The released model with this sha256, if it is one. */
  known?: WhisperModelName;
}

/** A multilingual vocabulary has at least this many tokens (whisper.cpp's own test). */
const MULTILINGUAL_VOCAB = 51865;

const identities = new Map<string, Promise<WhisperModelIdentity>>();

/**
 * The identity of the model file at `path`, hashed once per process for as long as the file's size,
 * modification time and inode stay the same (base: about 0.1 s of CPU, once per warm container), so
 * a replaced file or one at another path with other content keys other cached words, while the
 * same model at another path shares them. A missing file fails the job with TRANSCRIPTION_FAILED
 * and the way to get a model: cached words are never served for a model that is not there.
 */
export async function whisperModelIdentity(path: string): Promise<WhisperModelIdentity> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) throw missingWhisperModel(path);
  const key = `${path}\0${s.size}\0${s.mtimeMs}\0${s.ino}`;
  let identity = identities.get(key);
  if (!identity) {
    identity = identify(path);
    identities.set(key, identity);
    identity.catch(() => identities.delete(key));
  }
  return identity;
}

/** The job failure for a model file that is not there, saying how to get one. */
export const missingWhisperModel = (path: string) =>
  new JobFailure(
    "TRANSCRIPTION_FAILED",
    `no whisper model at ${path}; run \`npm run whisper:model -- base\` or set VIDEOCRAFT_WHISPER_MODEL_PATH`,
  );

async function identify(path: string): Promise<WhisperModelIdentity> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest("hex");
  const known = whisperModelBySha256(sha256);
  if (known) return { sha256, multilingual: WHISPER_MODELS[known].multilingual, known };
  // Any other ggml file: its header says (int32 magic, then int32 n_vocab).
  const file = await open(path, "r");
  try {
    const header = Buffer.alloc(8);
    await file.read(header, 0, 8, 0);
    return { sha256, multilingual: header.readInt32LE(4) >= MULTILINGUAL_VOCAB };
  } finally {
    await file.close();
  }
}
