import { readMediaFormat } from "../pipeline/media-format.js";
import { runProcess } from "./run-process.js";

export interface ExtractSpeechAudioOptions {
  ffmpegPath: string;
  /** Seconds of the source to keep from its beginning (the audio element's `duration` trim, also cut at the scene end). */
  duration?: number | undefined;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  /** The demuxer already sniffed from this file when it was probed; read from its first bytes when absent. */
  format?: string | undefined;
}

/**
 * Writes the speech the recognisers read: 16 kHz mono signed 16-bit PCM WAV of one audio source,
 * trimmed like the mix trims it (from the source's beginning, at most `duration` seconds). Times
 * found in this file are relative to where the audio element starts in its scene. The source is
 * read with the demuxer its content names and the file protocol only, as everywhere else.
 */
export async function extractSpeechAudio(
  source: string,
  wavPath: string,
  o: ExtractSpeechAudioOptions,
): Promise<void> {
  const trim = o.duration !== undefined && Number.isFinite(o.duration) ? ["-t", String(o.duration)] : [];
  const demuxer = o.format ?? (await readMediaFormat(source));
  await runProcess(
    o.ffmpegPath,
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-nostdin",
      "-y",
      ...["-f", demuxer, "-protocol_whitelist", "file"],
      "-i",
      source,
      ...trim,
      "-vn",
      "-ac",
      "1",
      "-ar",
      "16000",
      "-c:a",
      "pcm_s16le",
      "-bitexact",
      "-f",
      "wav",
      wavPath,
    ],
    {
      timeoutMs: o.timeoutMs ?? 300_000,
      signal: o.signal,
      failureCode: "SOURCE_INVALID_MEDIA",
      what: "extracting speech audio",
    },
  );
}

/** Seconds of PCM audio in a WAV file's bytes (reads the `fmt ` and `data` chunks). */
export function wavDurationSeconds(wav: Uint8Array): number {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
  let byteRate = 0;
  for (let at = 12; at + 8 <= wav.byteLength; ) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === "fmt ") byteRate = view.getUint32(at + 16, true);
    if (tag(at) === "data") {
      const bytes = Math.min(size, wav.byteLength - at - 8);
      return byteRate > 0 ? bytes / byteRate : 0;
    }
    at += 8 + size + (size % 2);
  }
  return 0;
}
