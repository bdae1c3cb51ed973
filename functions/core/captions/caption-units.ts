/**
 * Caption lengths (font size, outline, shadow) as VideoCraft means them: its ASS files have no
 * PlayResX/PlayResY, so libass uses its default 384×288 script canvas and scales every size by the
 * output height / 288 (and horizontal positions by the output width / 384). A number is in that
 * unit, so a VideoCraft request draws its captions the same size; `"48px"` is exact output pixels.
 */
export const VIDEOCRAFT_SCRIPT_WIDTH = 384;
export const VIDEOCRAFT_SCRIPT_HEIGHT = 288;

export type CaptionLength = number | string;

/** `24` → 24 × height / 288 px; `"48px"` → 48 px. */
export function lengthToPixels(length: CaptionLength, frameHeight: number): number {
  if (typeof length === "number") return (length * frameHeight) / VIDEOCRAFT_SCRIPT_HEIGHT;
  const m = /^(\d+(?:\.\d+)?)px$/.exec(length.trim());
  if (!m) throw new Error(`not a caption length: ${JSON.stringify(length)}`);
  return Number(m[1]);
}
