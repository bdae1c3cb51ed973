import type { SourceInfo } from "./render-plan.js";

/**
 * The input options that read a fetched source: the demuxer its probe identified from its content
 * (so ffmpeg never guesses one, and never a playlist or script demuxer that opens other files) and
 * the file protocol only, so nothing inside a source can make ffmpeg open a URL. `before` are the
 * other input options (looping, seeking, length).
 */
export function sourceInputArgs(source: SourceInfo, before: readonly string[] = []): string[] {
  return [...before, "-f", source.format, "-protocol_whitelist", "file", "-i", source.path];
}
