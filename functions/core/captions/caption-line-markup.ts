import bidiModule from "bidi-js";
import { assFillColorTags } from "./ass-color.js";
import { escapeAssText } from "./escape-ass-text.js";
import { splitFontRuns } from "./font-runs.js";

/** A word of a caption line and the colour it is drawn in (undefined: the style's colour). */
export interface MarkupWord {
  text: string;
  color?: string | undefined;
}

export interface LineMarkup {
  /** Dialogue text: escaped user text with the override tags we write. */
  text: string;
  /** Characters no bundled font has. */
  missing: string[];
  /** Whether the line has right-to-left text. */
  rtl: boolean;
}

// The package's types describe an ES default export; its CommonJS build exports the factory itself,
// which is what a default import of it yields at run time.
const bidi = (bidiModule as unknown as typeof bidiModule.default)();
const RLM = "\u200f";

interface Unit {
  text: string;
  family: string;
  color: string | undefined;
  level: number;
  tags: string | undefined;
}

/**
 * Writes one caption line as ASS text: the words joined by spaces, each stretch in the font that has
 * its glyphs (`\fn`), each word in its colour (`\1c`), laid out in reading order for right-to-left
 * scripts.
 *
 * libass runs the bidi algorithm separately on every run of equally styled text and then places the
 * runs left to right in the order they are written (as VSFilter does), so a highlighted Arabic word
 * or a font switch would put the words of an RTL line in the wrong order. Here the bidi levels of the
 * whole line are resolved once (Unicode bidi, base direction from the first strong character); the
 * line is cut into units of one level, font and colour, and the units are written in visual order,
 * each its own libass run (an invisible secondary-colour toggle splits runs that look alike), an RTL
 * unit led by a right-to-left mark so libass lays out its inside right to left.
 */
export function composeLineMarkup(
  words: readonly MarkupWord[],
  base: {
    family: string;
    color?: string | undefined;
    /**
     * Override tags (without braces) for the character at each UTF-16 index of the line (the words
     * joined by spaces): a run starts wherever they change. Text elements reveal characters with it.
     */
    charTags?: ((index: number) => string | undefined) | undefined;
  },
): LineMarkup {
  const primaryFamily = base.family;
  const text = words.map((w) => w.text).join(" ");
  const colorAt: (string | undefined)[] = [];
  words.forEach((w, i) => {
    for (let k = 0; k < w.text.length; k++) colorAt.push(w.color ?? base.color);
    if (i < words.length - 1) colorAt.push(base.color);
  });
  const { runs, missing } = splitFontRuns(text, primaryFamily);
  const familyAt: string[] = [];
  for (const run of runs) for (let k = 0; k < run.text.length; k++) familyAt.push(run.family);
  const { levels } = bidi.getEmbeddingLevels(text, "auto");

  const units: Unit[] = [];
  for (let i = 0; i < text.length; i++) {
    const family = familyAt[i] ?? primaryFamily;
    const color = colorAt[i];
    const level = levels[i] ?? 0;
    const last = units.at(-1);
    // A surrogate pair's second half always stays with its first.
    const lowSurrogate = i > 0 && (text.charCodeAt(i) & 0xfc00) === 0xdc00;
    const tags = lowSurrogate ? last?.tags : base.charTags?.(i);
    const alike = last && last.family === family && last.color === color && last.level === level;
    if (last && (lowSurrogate || (alike && last.tags === tags))) {
      last.text += text[i];
    } else units.push({ text: text[i] ?? "", family, color, level, tags });
  }
  const rtl = units.some((u) => u.level % 2 === 1);
  const ordered = rtl ? visualOrder(units) : units;

  let out = "";
  let family = primaryFamily;
  let color = base.color;
  let toggle = false;
  ordered.forEach((unit, i) => {
    const tags: string[] = [];
    if (unit.family !== family) tags.push(`\\fn${unit.family}`);
    if (unit.color !== color && unit.color) tags.push(assFillColorTags(unit.color));
    if (unit.tags) tags.push(unit.tags);
    if (i > 0 && tags.length === 0) {
      toggle = !toggle;
      tags.push(`\\2c&H${toggle ? "000001" : "000000"}&`);
    }
    family = unit.family;
    color = unit.color;
    const body = escapeAssText(unit.text);
    out += `${tags.length > 0 ? `{${tags.join("")}}` : ""}${unit.level % 2 === 1 ? RLM : ""}${body}`;
  });
  return { text: out, missing, rtl };
}

/** Unicode bidi rule L2 on whole units: from the highest level down to the lowest odd one, reverse every run of units at that level or above. */
function visualOrder(units: readonly Unit[]): Unit[] {
  const out = [...units];
  const levels = out.map((u) => u.level);
  const highest = Math.max(...levels);
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1));
  for (let level = highest; level >= lowestOdd; level--) {
    let i = 0;
    while (i < out.length) {
      if ((out[i]?.level ?? 0) < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < out.length && (out[j]?.level ?? 0) >= level) j++;
      out.splice(i, j - i, ...out.slice(i, j).reverse());
      i = j;
    }
  }
  return out;
}
