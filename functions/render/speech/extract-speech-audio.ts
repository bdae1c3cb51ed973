import { readMediaFormat } from "../pipeline/media-format.js";
import { runProcess } from "./run-process.js";
import { wavChunks } from "./wav-pcm.js";

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
  const { view, fmt, data } = wavChunks(wav);
  const byteRate = fmt === undefined ? 0 : view.getUint32(fmt + 16, true);
  return data && byteRate > 0 ? data.bytes / byteRate : 0;
}
