import { z } from "zod";

/**
 * The building blocks the request schema's element, scene and project schemas share: colours,
 * source URLs, times, pixel sizes, named positions and strict objects. Keys are in their
 * normalised underscore form (see normalise-keys.ts).
 */

const COLOR = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
export const colorSchema = z
  .string()
  .regex(COLOR, { message: "expected a colour #RRGGBB or #RRGGBBAA" })
  .describe("Colour as #RRGGBB or #RRGGBBAA");
/** Backgrounds also take `transparent`, which an MP4 cannot carry: it means the parent's colour. */
export const backgroundColorSchema = z.union([colorSchema, z.literal("transparent")], {
  error: "expected a colour #RRGGBB, #RRGGBBAA or 'transparent'",
});

/**
 * URL parsers silently drop tabs and newlines and trim surrounding spaces, so a URL holding them
 * would be fetched as a different URL than the one validated and shown: refuse them outright.
 */
export function isUnsafeUrlText(s: string): boolean {
  if (s !== s.trim()) return true;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
export const URL_TEXT_MESSAGE =
  "must not contain control characters or surrounding spaces (percent-encode them, e.g. %0A)";

const SRC_SCHEMES = ["https:", "http:", "s3:", "file:"];
export const srcSchema = z
  .string()
  .min(1, { message: "src must not be empty" })
  .max(4096)
  .superRefine((s, ctx) => {
    if (isUnsafeUrlText(s)) {
      ctx.addIssue({ code: "custom", message: `src ${URL_TEXT_MESSAGE}` });
      return;
    }
    let scheme: string | undefined;
    try {
      scheme = new URL(s).protocol;
    } catch {
      scheme = undefined;
    }
    if (!scheme || !SRC_SCHEMES.includes(scheme)) {
      ctx.addIssue({ code: "custom", message: "src must be an https://, s3:// (or, locally, file://) URL" });
    }
  })
  .describe("Source URL: https://…, s3://<bucket>/uploads/…, or file://… in local mode");

export const seconds = (max = 4 * 3600) => z.number().min(0).max(max);
export const positiveSeconds = (max = 4 * 3600) => z.number().gt(0).max(max);
export const pixels = z.number().int().min(-10_000).max(10_000);
export const size = z.number().int().min(1).max(7680);
export const volume = z.number().min(0).max(2).describe("0 = silent, 1 = as recorded, 2 = double");
export const resize = z.enum(["cover", "contain", "stretch", "center", "fit"]).describe("`fit` is `contain`");
export const comment = z.string().max(10_000).optional();
export const obj = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ ...shape, comment });

const POSITIONS = ["left", "center", "right"].flatMap((h) =>
  ["top", "center", "bottom"].map((v) => `${h}-${v}`),
);
const POSITION_ALIASES: Record<string, string> = {
  center: "center-center",
  top: "center-top",
  bottom: "center-bottom",
};
export const positionSchema = z
  .string()
  .transform((p, ctx) => {
    const lower = p.toLowerCase();
    // VideoCraft's docs also write a bare row (`top`) and `middle` for the centre row.
    const named = POSITION_ALIASES[lower] ?? lower.replaceAll("middle", "center");
    if (POSITIONS.includes(named)) return named;
    const swapped = named.split("-").reverse().join("-");
    if (POSITIONS.includes(swapped)) return swapped;
    ctx.addIssue({ code: "custom", message: `position must be one of ${POSITIONS.join(", ")} or center` });
    return z.NEVER;
  })
  .describe("horizontal-vertical, e.g. center-bottom; `center` = center-center, `top` = center-top");

export const PIXELS = /^(\d+(?:\.\d+)?)px$/;
/**
 * A caption length: a number is in VideoCraft's unit (ASS size on a 288-line canvas, scaled to the
 * output height, so a VideoCraft request looks the same at any resolution); `"48px"` is exact pixels.
 */
export const captionLength = (max: number, maxPx: number, min = 0) =>
  z.union([
    z.number().min(min).max(max),
    z
      .string()
      .regex(PIXELS, { message: 'expected a number or pixels like "48px"' })
      .refine((s) => Number(PIXELS.exec(s)?.[1]) <= maxPx && Number(PIXELS.exec(s)?.[1]) >= min, {
        message: `pixels must be between ${min} and ${maxPx}`,
      }),
  ]);
