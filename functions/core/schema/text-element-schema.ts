import { z } from "zod";
import {
  captionLength,
  colorSchema,
  obj,
  PIXELS,
  pixels,
  positionSchema,
  positiveSeconds,
  seconds,
  size,
} from "./schema-parts.js";

/**
 * A text length in output pixels: a number, or `"48px"` (the caption settings' spelling). The
 * check is captions' own; the meaning differs: unlike a caption size there is no VideoCraft unit
 * here, a text element is ours and is placed in pixels like images and videos.
 */
const textLength = (min: number, max: number) => captionLength(max, max, min);

/** A text length as pixels: `48` or `"48px"`. */
export function textPixels(length: number | string): number {
  return typeof length === "number" ? length : Number(PIXELS.exec(length.trim())?.[1] ?? 0);
}

export const TEXT_ANIMATIONS = [
  "fade",
  "slide-up",
  "slide-down",
  "slide-left",
  "slide-right",
  "pop",
  "typewriter",
] as const;
export type TextAnimationType = (typeof TEXT_ANIMATIONS)[number];

const textAnimationStep = z.union(
  [
    z.enum(TEXT_ANIMATIONS),
    obj({
      type: z.enum(TEXT_ANIMATIONS),
      duration: positiveSeconds(60)
        .optional()
        .describe("@default 0.5 (typewriter: 0.05 s a character, at most half the element's time)"),
    }),
  ],
  { error: `expected one of ${TEXT_ANIMATIONS.join(", ")}, or {type, duration}` },
);

/**
 * How a text element looks. A project's `text_style` holds the same keys: every text element
 * inherits each of them it does not set itself.
 */
export const textStyleShape = {
  font_family: z.string().min(1).max(128).optional().describe("@default Liberation Sans"),
  font_weight: z
    .union([z.enum(["normal", "bold"]), z.number().int().min(100).max(900)], {
      error: "font_weight must be normal, bold or a number 100–900",
    })
    .optional()
    .describe("@default bold; the bundled fonts have a regular and a bold face (600 and above are bold)"),
  font_size: textLength(1, 2000).optional().describe("@default 6 % of the frame's shorter side, in pixels"),
  color: colorSchema.optional().describe("@default #FFFFFF"),
  box_color: colorSchema.optional().describe("a box behind the text; @default none"),
  box_padding: textLength(0, 1000).optional().describe("@default 30 % of the font size"),
  box_radius: textLength(0, 1000).optional().describe("corner radius of the box; @default 0"),
  outline_color: colorSchema.optional().describe("@default #000000"),
  outline_width: textLength(0, 200).optional().describe("@default 0"),
  shadow_color: colorSchema.optional().describe("@default #00000080"),
  shadow_offset: textLength(0, 200).optional().describe("@default 0"),
  text_align: z
    .enum(["left", "center", "right"])
    .optional()
    .describe("@default the position's column (left with x/y)"),
  line_spacing: z
    .number()
    .min(0.5)
    .max(4)
    .optional()
    .describe("@default 1.2 — distance between baselines, in font sizes"),
  position: positionSchema.optional().describe("@default center-center (unless x/y are given)"),
  margin: textLength(0, 4000)
    .optional()
    .describe("distance from the frame's edges for a named position; @default 5 % of the shorter side"),
  all_caps: z.boolean().optional(),
};

/** The project's `text_style`: defaults for every text element. */
export const textStyleSchema = obj(textStyleShape);
export type TextStyle = z.output<typeof textStyleSchema>;
export const TEXT_STYLE_KEYS = Object.keys(textStyleShape) as (keyof TextStyle)[];

export const textElementSchema = obj({
  type: z.literal("text"),
  id: z.string().max(128).optional(),
  text: z.string().min(1, { message: "text must not be empty" }).max(5000),
  x: pixels.optional().describe("left edge of the text's box, pixels; instead of position"),
  y: pixels.optional().describe("top edge of the text's box, pixels; instead of position"),
  width: size
    .optional()
    .describe("wrap width in pixels (the box is this wide); @default the frame less the margins"),
  z_index: z.number().int().min(-1000).max(1000).optional().describe("orders text elements among themselves"),
  start: seconds().optional(),
  duration: positiveSeconds().optional().describe("@default to the end of the scene (or video)"),
  animation: obj({ in: textAnimationStep.optional(), out: textAnimationStep.optional() })
    .optional()
    .describe("entrance and exit"),
  ...textStyleShape,
}).superRefine((el, ctx) => {
  if (el.position !== undefined && (el.x !== undefined || el.y !== undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["position"],
      message: "give a named position or x/y, not both",
    });
  }
});
export type TextElementInput = z.output<typeof textElementSchema>;
