/**
 * Downloads a released whisper.cpp ggml model for local use and verifies its sha256:
 *
 *   npx tsx scripts/download-whisper-model.ts base      (or: npm run whisper:model -- base)
 *
 * Writes `.cache/whisper/models/ggml-<model>.bin`, where `resolveWhisperPaths` looks by default.
 * Needs internet; never run by the tests (they generate a tiny random-weight model instead).
 * A file that is already there and verifies is kept; a download that does not verify is deleted.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DEFAULT_WHISPER_MODEL,
  isWhisperModelName,
  WHISPER_MODELS,
} from "../functions/core/whisper-models.js";

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? DEFAULT_WHISPER_MODEL;
  if (!isWhisperModelName(name)) {
    console.error(`unknown model "${name}"; known: ${Object.keys(WHISPER_MODELS).join(", ")}`);
    process.exit(2);
  }
  const model = WHISPER_MODELS[name];
  const dir = resolve(process.argv[3] ?? join(import.meta.dirname, "../.cache/whisper/models"));
  const target = join(dir, model.file);
  await mkdir(dir, { recursive: true });

  if ((await stat(target).catch(() => undefined))?.isFile()) {
    if ((await sha256Of(target)) === model.sha256) {
      console.log(`${target} is already there and verified`);
      return;
    }
    console.log(`${target} does not match its sha256; downloading again`);
  }

  console.log(`downloading ${model.url}`);
  const response = await fetch(model.url, { redirect: "follow" });
  if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${response.status}`);
  const partial = `${target}.partial`;
  await pipeline(
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
    createWriteStream(partial),
  );
  const actual = await sha256Of(partial);
  if (actual !== model.sha256) {
    await rm(partial, { force: true });
    throw new Error(`sha256 mismatch for ${model.file}: expected ${model.sha256}, got ${actual}`);
  }
  await rename(partial, target);
  console.log(`${target} verified (sha256 ${actual})`);
  console.log(
    `use it with VIDEOCRAFT_TRANSCRIPTION_MODEL=${name} (or VIDEOCRAFT_WHISPER_MODEL_PATH=${target})`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
