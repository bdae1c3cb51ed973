import { VIDEOCRAFT_SCRIPT_HEIGHT, VIDEOCRAFT_SCRIPT_WIDTH } from "./caption-units.js";

/**
 * The nine caption positions (`left|center|right` × `top|center|bottom`, the schema normalises
 * `center` and `bottom-center` to this `h-v` form) as an ASS numpad alignment (`\an`) with
 * VideoCraft's margins: 10 left and right, 20 from the top or bottom edge on its 384×288 script
 * canvas, scaled to the frame (≈ 2.6 % of the width, ≈ 6.9 % of the height).
 */

export type HorizontalPosition = "left" | "center" | "right";
export type VerticalPosition = "top" | "center" | "bottom";
export type CaptionPosition = `${HorizontalPosition}-${VerticalPosition}`;

export const DEFAULT_CAPTION_POSITION: CaptionPosition = "center-bottom";

export interface AssPlacement {
  /** ASS numpad alignment: 1–3 bottom, 4–6 middle, 7–9 top; left, centre, right in each row. */
  alignment: number;
  marginL: number;
  marginR: number;
  marginV: number;
}

const COLUMN: Record<HorizontalPosition, number> = { left: 1, center: 2, right: 3 };
const ROW_BASE: Record<VerticalPosition, number> = { bottom: 0, center: 3, top: 6 };

export function parseCaptionPosition(position: string | undefined): CaptionPosition {
  if (!position) return DEFAULT_CAPTION_POSITION;
  const p = position.toLowerCase();
  if (p === "center") return "center-center";
  const [h, v] = p.split("-") as [string, string];
  if (h in COLUMN && v in ROW_BASE) return `${h as HorizontalPosition}-${v as VerticalPosition}`;
  if (v in COLUMN && h in ROW_BASE) return `${v as HorizontalPosition}-${h as VerticalPosition}`;
  throw new Error(`unknown caption position ${JSON.stringify(position)}`);
}

export function placeCaption(
  position: CaptionPosition,
  frame: { width: number; height: number },
): AssPlacement {
  const [h, v] = position.split("-") as [HorizontalPosition, VerticalPosition];
  const side = Math.round((10 * frame.width) / VIDEOCRAFT_SCRIPT_WIDTH);
  return {
    alignment: ROW_BASE[v] + COLUMN[h],
    marginL: side,
    marginR: side,
    marginV: Math.round((20 * frame.height) / VIDEOCRAFT_SCRIPT_HEIGHT),
  };
}
