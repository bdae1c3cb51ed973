/**
 * Colours: the request uses `#RRGGBB` or `#RRGGBBAA` (AA = opacity, FF opaque, like CSS);
 * ASS writes `&HAABBGGRR` with the alpha inverted (00 opaque, FF invisible).
 */

const HEX = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})?$/;

interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0 transparent … 255 opaque (request convention). */
  a: number;
}

export function parseHexColor(hex: string): Rgba {
  const m = HEX.exec(hex.trim());
  if (!m) throw new Error(`not a colour #RRGGBB or #RRGGBBAA: ${JSON.stringify(hex)}`);
  const byte = (s: string | undefined, fallback: number) =>
    s === undefined ? fallback : Number.parseInt(s, 16);
  return { r: byte(m[1], 0), g: byte(m[2], 0), b: byte(m[3], 0), a: byte(m[4], 255) };
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

/** Style-line colour: `&HAABBGGRR` (ASS alpha: 00 opaque). */
export function toAssColor(hex: string): string {
  const { r, g, b, a } = parseHexColor(hex);
  return `&H${hex2(255 - a)}${hex2(b)}${hex2(g)}${hex2(r)}`;
}

/**
 * Override tags that set the primary (fill) colour and its alpha, e.g. `\1c&H00D5FF&\1a&H00&`.
 * Returned without the surrounding braces so several tags can share one block.
 */
export function assFillColorTags(hex: string): string {
  const { r, g, b, a } = parseHexColor(hex);
  return `\\1c&H${hex2(b)}${hex2(g)}${hex2(r)}&\\1a&H${hex2(255 - a)}&`;
}
