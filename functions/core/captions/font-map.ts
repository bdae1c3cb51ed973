import { CAPTION_FAMILIES } from "./font-coverage.js";

/**
 * Caption fonts. Only the bundled families are installed (Debian `fonts-liberation` and
 * `fonts-dejavu-core`, also in the render image); common proprietary names map to a metric-compatible
 * or look-alike bundled family, and anything else falls back to the default family with a warning
 * (never a failure). The resolved family is written into the ASS style so libass/fontconfig pick
 * exactly it. Captions are always bold, as VideoCraft draws them.
 */

export interface ResolvedFont {
  /** A family that is installed, e.g. "Liberation Sans". */
  family: string;
  /** True when the requested family is unknown and the default stands in. */
  fallback: boolean;
}

/** VideoCraft's default caption font is Arial; Liberation Sans has Arial's metrics. */
export const DEFAULT_FONT_FAMILY = "Liberation Sans";

/** The families the renderer ships for captions. */
export const BUNDLED_FONT_FAMILIES: readonly string[] = CAPTION_FAMILIES;

/** Look-alikes: Liberation fonts are metric-compatible with Arial/Helvetica, Times New Roman and Courier New. */
const ALIASES: Record<string, string> = {
  arial: "Liberation Sans",
  helvetica: "Liberation Sans",
  "helvetica neue": "Liberation Sans",
  "arial narrow": "Liberation Sans Narrow",
  "arial black": "Liberation Sans",
  "times new roman": "Liberation Serif",
  times: "Liberation Serif",
  georgia: "DejaVu Serif",
  "courier new": "Liberation Mono",
  courier: "Liberation Mono",
  consolas: "DejaVu Sans Mono",
  impact: "DejaVu Sans",
  verdana: "DejaVu Sans",
  tahoma: "DejaVu Sans",
  "bitstream vera sans": "DejaVu Sans",
  "sans-serif": "Liberation Sans",
  sans: "Liberation Sans",
  serif: "Liberation Serif",
  monospace: "DejaVu Sans Mono",
  mono: "DejaVu Sans Mono",
};

/** "Arial Bold" / "Impact" / "dejavu sans" → an installed family; unknown → the default, marked fallback. */
export function resolveFont(requested: string | undefined): ResolvedFont {
  if (!requested?.trim()) return { family: DEFAULT_FONT_FAMILY, fallback: false };
  let key = requested
    .trim()
    .replace(/\s+/g, " ")
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  const styled = /^(.*?)[ -](bold|black|heavy)$/.exec(key);
  if (styled?.[1] && lookup(styled[1])) key = styled[1];
  const hit = lookup(key);
  return hit ? { family: hit, fallback: false } : { family: DEFAULT_FONT_FAMILY, fallback: true };
}

function lookup(key: string): string | undefined {
  return BUNDLED_FONT_FAMILIES.find((f) => f.toLowerCase() === key) ?? ALIASES[key];
}
