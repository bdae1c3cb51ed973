/**
 * The only ways user-influenced values reach ffmpeg text: numbers, validated colours and the
 * concat list. Filter graphs have their own quoting language (`:`, `,`, `;`, `[`, `'`, `\`), so
 * rather than escaping arbitrary strings into it we refuse anything that is not a number or a
 * colour; file paths never enter a filter string at all.
 */

const HEX_COLOR = /^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$/;

/**
 * A number as filter-graph text. Fixed-point because ffmpeg's option parser rejects `1e-7`
 * and JavaScript switches to exponent notation at both ends; 6 decimals is well below a sample
 * at 48 kHz, and nothing a render needs comes near 1e15.
 */
export function num(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) throw new Error(`not a usable number: ${value}`);
  const fixed = value.toFixed(6).replace(/\.?0+$/, "");
  return fixed === "-0" ? "0" : fixed;
}

/**
 * `#RRGGBB` or `#RRGGBBAA` as ffmpeg's `0xRRGGBB`. The alpha is dropped: callers use this for
 * opaque MP4 backgrounds, which cannot show through to anything.
 */
export function ffmpegColor(hex: string): string {
  const m = HEX_COLOR.exec(hex);
  if (!m?.[1]) throw new Error(`not a #RRGGBB or #RRGGBBAA colour: ${JSON.stringify(hex)}`);
  return `0x${m[1].toUpperCase()}`;
}

/**
 * One line of a concat-demuxer list. Inside single quotes ffmpeg takes everything literally, so a
 * quote is closed, emitted escaped, and reopened. A line break would end the directive early and
 * cannot be expressed, so it is refused.
 */
export function concatListLine(path: string): string {
  if (/[\r\n]/.test(path))
    throw new Error(`a concat list cannot hold a path with a line break: ${JSON.stringify(path)}`);
  return `file '${path.replaceAll("'", "'\\''")}'`;
}
