import { FONT_DATA, MEASURED_RANGES } from "./font-data.js";

/**
 * Which bundled family can draw a character, and how wide it is, from the table generated from the
 * font files (font-data.ts), so the planner stays pure. Coverage strings are parsed on first use.
 */

const parsed = new Map<string, Uint32Array>();

function rangesOf(family: string): Uint32Array {
  let ranges = parsed.get(family);
  if (!ranges) {
    const text = FONT_DATA[family]?.coverage ?? "";
    const parts = text.split(" ").filter((p) => p !== "");
    ranges = new Uint32Array(parts.length * 2);
    parts.forEach((p, i) => {
      const [a = "0", b = a] = p.split("-");
      ranges?.set([Number.parseInt(a, 16), Number.parseInt(b, 16)], i * 2);
    });
    parsed.set(family, ranges);
  }
  return ranges;
}

/** Whether the family's regular or bold face has a glyph for `codePoint`. */
export function familyCovers(family: string, codePoint: number): boolean {
  const r = rangesOf(family);
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const first = r[mid * 2] ?? 0;
    const last = r[mid * 2 + 1] ?? 0;
    if (codePoint < first) hi = mid - 1;
    else if (codePoint > last) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Advance of `codePoint` in `family`, in units of the ASS font size (libass's size → em scaling
 * applied), in the bold face unless `bold` is false.
 */
export function advanceInFontSizes(family: string, codePoint: number, bold = true): number {
  const data = FONT_DATA[family];
  if (!data) return 0.6;
  const advances = bold ? data.advances : data.regularAdvances;
  let offset = 0;
  let perMille = data.defaultAdvance;
  for (const [first, last] of MEASURED_RANGES) {
    if (codePoint >= first && codePoint <= last) {
      perMille = advances[offset + codePoint - first] || data.defaultAdvance;
      break;
    }
    offset += last - first + 1;
  }
  return (perMille / 1000) * data.emPerSize;
}

/** Families a request may name for captions. */
export const CAPTION_FAMILIES: readonly string[] = Object.entries(FONT_DATA)
  .filter(([, d]) => d.caption)
  .map(([family]) => family);
