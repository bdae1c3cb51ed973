/**
 * A conservative estimate of how wide a caption renders, without measuring glyphs (the planner is
 * pure and has no font files). Per-character widths in em are at or above the widest bundled
 * families' averages (DejaVu Sans is the widest: lower case ≈ 0.55 em, capitals ≈ 0.68 em), so an
 * estimate that fits the frame means the real line fits too.
 */

export interface WidthOptions {
  fontSizePx: number;
  bold?: boolean;
  monospace?: boolean;
  /** Outline width in px; adds to both sides of the line. */
  outlinePx?: number;
}

function charEm(ch: string, monospace: boolean): number {
  if (monospace) return 0.62;
  const c = ch.codePointAt(0) ?? 0;
  if (ch === " ") return 0.34;
  // CJK, kana, hangul, fullwidth forms, emoji: square glyphs.
  if (c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)))
    return 1.0;
  if ((c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60))
    return 1.0;
  if (c >= 0x1f300) return 1.05;
  if ("iljI.,:;'!|".includes(ch)) return 0.36;
  if ("mwMW@%".includes(ch)) return 1.0;
  if (ch >= "A" && ch <= "Z") return 0.76;
  if (ch >= "0" && ch <= "9") return 0.66;
  return 0.62;
}

/** Estimated rendered width of `text` in pixels. */
export function estimateTextWidth(text: string, o: WidthOptions): number {
  let em = 0;
  for (const ch of text) em += charEm(ch, o.monospace ?? false);
  const bold = o.bold ? 1.1 : 1;
  return em * o.fontSizePx * bold + 2 * (o.outlinePx ?? 0);
}
