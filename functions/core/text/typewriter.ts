import { parseHexColor } from "../captions/ass-color.js";
import type { TextTimeline, TypewriterWindow } from "./text-animation.js";
import type { ResolvedTextStyle } from "./text-style.js";

/**
 * Scripts whose letters join or combine into clusters: revealing them a character at a time would
 * split a word into separately shaped runs (Arabic letters would lose their joined forms), so
 * their text is typed a word at a time.
 */
const SHAPED =
  /[\p{M}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Thai}\p{Script=Lao}\p{Script=Tibetan}\p{Script=Myanmar}\p{Script=Khmer}]/u;

export interface RevealPlan {
  /**
   * Override tags for each character of line `line` in an event from `from` to `to` (seconds in
   * the scene), or undefined when every character is simply visible then.
   */
  tagsFor(line: number, from: number, to: number): ((index: number) => string | undefined) | undefined;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

/**
 * The typewriter: characters (or words, see SHAPED) appear one after another over the entrance,
 * in reading order across lines, and disappear last-first over the exit. Every character is laid
 * out from the start (hidden ones are transparent), so the text never reflows while it types.
 */
export function revealPlan(
  lines: readonly { text: string }[],
  timeline: TextTimeline,
  style: ResolvedTextStyle,
): RevealPlan {
  const { typeIn, typeOut } = timeline;
  if (!typeIn && !typeOut) return { tagsFor: () => undefined };
  const byWord = lines.some((l) => SHAPED.test(l.text));
  // The unit (character or word) each UTF-16 index of each line belongs to, counted over all lines.
  let units = 0;
  const unitOf = lines.map((line) => {
    const out: number[] = [];
    let inWord = false;
    for (let i = 0; i < line.text.length; i++) {
      const code = line.text.charCodeAt(i);
      const space = line.text[i] === " ";
      const low = (code & 0xfc00) === 0xdc00;
      if (!space && !low && (!byWord || !inWord)) units++;
      inWord = !space;
      out.push(Math.max(0, units - 1));
    }
    return out;
  });
  const a = (hex: string) => hex2(255 - parseHexColor(hex).a);
  const visible = `\\1a&H${a(style.color)}&\\3a&H${a(style.outlineColor)}&\\4a&H${a(style.shadowColor)}&`;
  const hidden = "\\1a&HFF&\\3a&HFF&\\4a&HFF&";
  const at = (w: TypewriterWindow, k: number) => w.from + ((w.to - w.from) * k) / Math.max(1, units);

  return {
    tagsFor(line, from, to) {
      const window = [typeIn, typeOut].find((w) => w && from >= w.from - 1e-9 && to <= w.to + 1e-9);
      if (!window) return undefined;
      const entering = window === typeIn;
      return (index) => {
        const unit = unitOf[line]?.[index] ?? 0;
        // Entering: unit k appears at its time. Leaving: the last unit goes first.
        const change = at(window, entering ? unit : units - 1 - unit);
        const before = entering ? hidden : visible;
        const after = entering ? visible : hidden;
        if (change <= from) return after;
        if (change >= to) return before;
        const ms = Math.round((change - from) * 1000);
        return `${before}\\t(${ms},${ms + 1},${after})`;
      };
    },
  };
}
