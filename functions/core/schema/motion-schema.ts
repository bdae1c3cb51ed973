import { z } from "zod";
import { obj, positiveSeconds, seconds } from "./schema-parts.js";

const fraction = z.number().min(0).max(1);

export const MOTION_TYPES = ["zoom-in", "zoom-out", "pan-left", "pan-right", "pan-up", "pan-down"] as const;
export const EASINGS = ["linear", "ease-in", "ease-out", "ease-in-out"] as const;

/**
 * What part of the picture fills the element's box at one end of the motion: a zoom factor
 * around a point (`zoom` 1 = the whole picture as `cover` shows it) or a rectangle. Both are in
 * fractions of the picture (0–1), so a template works with pictures of any size; a rectangle of
 * another shape than the box is widened to the box's shape around its centre.
 */
export const motionViewSchema = obj({
  zoom: z.number().min(1).max(10).optional().describe("@default 1"),
  center_x: fraction
    .optional()
    .describe("the picture's point at the box centre, 0 = left edge; @default 0.5"),
  center_y: fraction.optional().describe("0 = top edge; @default 0.5"),
  left: fraction.optional(),
  top: fraction.optional(),
  width: z.number().gt(0).max(1).optional(),
  height: z.number().gt(0).max(1).optional(),
}).superRefine((v, ctx) => {
  const rect = [v.left, v.top, v.width, v.height].filter((x) => x !== undefined).length;
  const point = [v.zoom, v.center_x, v.center_y].filter((x) => x !== undefined).length;
  if (rect > 0 && rect < 4) {
    ctx.addIssue({ code: "custom", message: "a rectangle needs left, top, width and height" });
  }
  if (rect > 0 && point > 0) {
    ctx.addIssue({ code: "custom", message: "give a rectangle or zoom/center_x/center_y, not both" });
  }
  if (v.left !== undefined && v.width !== undefined && v.left + v.width > 1 + 1e-9) {
    ctx.addIssue({ code: "custom", path: ["width"], message: "left + width must not pass 1" });
  }
  if (v.top !== undefined && v.height !== undefined && v.top + v.height > 1 + 1e-9) {
    ctx.addIssue({ code: "custom", path: ["height"], message: "top + height must not pass 1" });
  }
});
export type MotionView = z.output<typeof motionViewSchema>;

/** Motion on a still or a video (Ken Burns): from one view of the picture to another. */
export const motionSchema = obj({
  type: z.enum(MOTION_TYPES).optional().describe("a preset; from/to, when given, replace its ends"),
  zoom: z
    .number()
    .min(1)
    .max(10)
    .optional()
    .describe("how far a preset zooms (and how much room a pan has); @default 1.25"),
  from: motionViewSchema.optional(),
  to: motionViewSchema.optional(),
  easing: z.enum(EASINGS).optional().describe("@default linear"),
  start: seconds().optional().describe("seconds into the element when the motion starts; @default 0"),
  duration: positiveSeconds().optional().describe("@default until the element ends"),
}).superRefine((m, ctx) => {
  if (m.type === undefined && m.from === undefined && m.to === undefined) {
    ctx.addIssue({ code: "custom", message: "animation needs a type, or from and/or to" });
  }
});
export type MotionInput = z.output<typeof motionSchema>;
