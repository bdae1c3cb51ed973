import { z } from "zod";

/**
 * A scene's `transition`: how the picture passes from the previous scene into this one. Types are
 * accepted with `-` or `_` (`slide-left`, `slide_left`), like keys; the hyphenated form is the
 * normalised one.
 */
export const TRANSITION_TYPES = [
  "fade",
  "crossfade",
  "slide-left",
  "slide-right",
  "slide-up",
  "slide-down",
  "wipe-left",
  "wipe-right",
  "wipe-up",
  "wipe-down",
] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];

/** Seconds of a transition that gives none. */
export const DEFAULT_TRANSITION_SECONDS = 0.5;
/** A window this long is a scene of its own, not a transition; it also bounds the extra encode. */
export const MAX_TRANSITION_SECONDS = 10;

const COLOR = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const ACCEPTED_TYPES = [
  ...TRANSITION_TYPES,
  ...TRANSITION_TYPES.filter((t) => t.includes("-")).map((t) => t.replaceAll("-", "_")),
] as [string, ...string[]];

export const transitionSchema = z
  .strictObject({
    type: z
      .enum(ACCEPTED_TYPES, { error: `type must be one of ${TRANSITION_TYPES.join(", ")}` })
      .describe(
        "fade = through a colour; crossfade = blend; slide-* pushes, wipe-* uncovers, in that direction",
      ),
    duration: z
      .number()
      .gt(0)
      .max(MAX_TRANSITION_SECONDS)
      .optional()
      .describe(
        `@default ${DEFAULT_TRANSITION_SECONDS} — seconds, centred on the cut; at most half of either neighbouring scene`,
      ),
    color: z
      .string()
      .regex(COLOR, { message: "expected a colour #RRGGBB or #RRGGBBAA" })
      .optional()
      .describe("fade only: the colour faded through; @default #000000"),
    comment: z.string().max(10_000).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.color !== undefined && t.type !== "fade") {
      ctx.addIssue({ code: "custom", path: ["color"], message: "color applies to the fade transition only" });
    }
  })
  .describe(
    "The transition into this scene from the previous one; the cut and every time stay where they are",
  );

export type TransitionInput = z.output<typeof transitionSchema>;

/** The normalised transition the planner reads. */
export interface Transition {
  type: TransitionType;
  /** Seconds. */
  duration: number;
  /** `fade` only. */
  color?: string;
}

export function normaliseTransition(t: TransitionInput): Transition {
  return {
    type: t.type.replaceAll("_", "-") as TransitionType,
    duration: t.duration ?? DEFAULT_TRANSITION_SECONDS,
    ...(t.color !== undefined ? { color: t.color } : {}),
  };
}
