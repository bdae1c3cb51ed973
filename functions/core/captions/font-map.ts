/**
 * Caption fonts. Only the bundled families are installed (Debian `fonts-dejavu-core` and
 * `fonts-liberation`, also in the render image); common proprietary names map to a metric-compatible
 * or look-alike bundled family, and anything else falls back to DejaVu Sans with a warning (never a
 * failure). The resolved family is written into the ASS style so libass/fontconfig pick exactly it.
 */

export interface ResolvedFont {
  /** A family that is installed, e.g. "Liberation Sans". */
  family: string;
  bold: boolean;
  /** True when the requested family is unknown and DejaVu Sans stands in. */
  fallback: boolean;
  /** Whether glyphs are fixed-width (for width estimates). */
  monospace: boolean;
}

export const DEFAULT_FONT_FAMILY = "DejaVu Sans";

/** The families the renderer ships, by lower-case name. */
export const BUNDLED_FONT_FAMILIES: readonly string[] = [
  "DejaVu Sans",
  "DejaVu Sans Mono",
  "DejaVu Serif",
  "Liberation Sans",
  "Liberation Sans Narrow",
  "Liberation Serif",
  "Liberation Mono",
];

type Alias = { family: string; bold?: boolean };

/** Look-alikes: Liberation fonts are metric-compatible with Arial/Helvetica, Times New Roman and Courier New. */
const ALIASES: Record<string, Alias> = {
  arial: { family: "Liberation Sans" },
  helvetica: { family: "Liberation Sans" },
  "helvetica neue": { family: "Liberation Sans" },
  "arial narrow": { family: "Liberation Sans Narrow" },
  "arial black": { family: "Liberation Sans", bold: true },
  "times new roman": { family: "Liberation Serif" },
  times: { family: "Liberation Serif" },
  georgia: { family: "DejaVu Serif" },
  "courier new": { family: "Liberation Mono" },
  courier: { family: "Liberation Mono" },
  consolas: { family: "DejaVu Sans Mono" },
  impact: { family: "DejaVu Sans", bold: true },
  verdana: { family: "DejaVu Sans" },
  tahoma: { family: "DejaVu Sans" },
  "bitstream vera sans": { family: "DejaVu Sans" },
  "sans-serif": { family: "DejaVu Sans" },
  sans: { family: "DejaVu Sans" },
  serif: { family: "DejaVu Serif" },
  monospace: { family: "DejaVu Sans Mono" },
  mono: { family: "DejaVu Sans Mono" },
};

const MONOSPACE = new Set(["DejaVu Sans Mono", "Liberation Mono"]);

/** "Arial Bold" / "Impact" / "dejavu sans" → an installed family (+ bold); unknown → DejaVu Sans, fallback. */
export function resolveFont(requested: string | undefined): ResolvedFont {
  const make = (family: string, bold: boolean, fallback: boolean): ResolvedFont => ({
    family,
    bold,
    fallback,
    monospace: MONOSPACE.has(family),
  });
  if (!requested?.trim()) return make(DEFAULT_FONT_FAMILY, false, false);
  let key = requested
    .trim()
    .replace(/\s+/g, " ")
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  let bold = false;
  const styled = /^(.*?)[ -](bold|black|heavy)$/.exec(key);
  if (styled?.[1] && lookup(styled[1])) {
    key = styled[1];
    bold = true;
  }
  const hit = lookup(key);
  if (!hit) return make(DEFAULT_FONT_FAMILY, false, true);
  return make(hit.family, bold || (hit.bold ?? false), false);
}

function lookup(key: string): Alias | undefined {
  const bundled = BUNDLED_FONT_FAMILIES.find((f) => f.toLowerCase() === key);
  if (bundled) return { family: bundled };
  return ALIASES[key];
}
