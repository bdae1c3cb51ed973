import { familyCovers } from "./font-coverage.js";

/** A stretch of caption text drawn with one font family. */
export interface FontRun {
  text: string;
  family: string;
}

/**
 * Stand-in families for characters the caption font lacks, in the order they are tried. libass's own
 * fallback asks fontconfig for the first "sans-serif" font that has each glyph, one glyph at a time,
 * which can draw one Chinese character from the emoji font (Symbola has a few ideographs) and the next
 * from the CJK font; choosing per script here keeps a word in one face and makes the choice testable.
 */
const STAND_INS = [
  "DejaVu Sans", // Arabic, Hebrew, Armenian, Georgian, Lao, many symbols
  "FreeSans", // Devanagari, Bengali, Gurmukhi, Malayalam, Ethiopic …
  "FreeSerif", // Thai, Tamil, Gujarati, Oriya, Sinhala …
  "Lohit Telugu",
  "Lohit Kannada",
  "WenQuanYi Micro Hei", // Han, kana, hangul
  "Symbola", // emoji (drawn in the text colour: libass draws outlines, not colour bitmaps)
];
const CJK =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
const EMOJI = /[\p{Extended_Pictographic}\u{1f1e6}-\u{1f1ff}]/u;
/** Zero-width format characters (joiners, variation selectors, direction marks): never drawn, never missing. */
export const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
/** Characters that may stay in the current run's face instead of switching back to the caption font. */
const FOLLOWS_RUN = /[\p{M}\p{P}\p{Zs}\p{N}]/u;

function candidates(ch: string): readonly string[] {
  if (EMOJI.test(ch)) return ["Symbola", ...STAND_INS];
  if (CJK.test(ch)) return ["WenQuanYi Micro Hei", ...STAND_INS];
  return STAND_INS;
}

/**
 * Splits `text` into runs of one family each: the caption font where it has the glyph, otherwise the
 * first stand-in that has it. `missing` lists the characters no bundled font can draw (they keep the
 * caption font and show as its empty box).
 */
export function splitFontRuns(text: string, primary: string): { runs: FontRun[]; missing: string[] } {
  const runs: FontRun[] = [];
  const missing: string[] = [];
  let current: FontRun | undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    let family: string | undefined;
    if (current && (INVISIBLE.test(ch) || (FOLLOWS_RUN.test(ch) && familyCovers(current.family, cp)))) {
      family = current.family;
    } else if (INVISIBLE.test(ch) || familyCovers(primary, cp)) {
      family = primary;
    } else {
      family = candidates(ch).find((f) => familyCovers(f, cp));
      if (!family) {
        missing.push(ch);
        family = primary;
      }
    }
    if (current && current.family === family) current.text += ch;
    else {
      current = { text: ch, family };
      runs.push(current);
    }
  }
  return { runs, missing };
}
