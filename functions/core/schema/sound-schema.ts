import { z } from "zod";
import { obj } from "./schema-parts.js";

/** Music ducked under narration: by how much, and how fast it goes down and comes back. */
export const duckingSchema = z.union(
  [
    z.literal(true),
    obj({
      amount_db: z.number().min(1).max(60).optional().describe("@default 12"),
      attack: z
        .number()
        .min(0)
        .max(5)
        .optional()
        .describe("seconds to go down, before the voice starts; @default 0.3"),
      release: z
        .number()
        .min(0)
        .max(10)
        .optional()
        .describe("seconds to come back after it ends; @default 0.6"),
    }),
  ],
  { error: "ducking must be true or {amount_db, attack, release}" },
);
export type DuckingInput = z.output<typeof duckingSchema>;

/** Integrated loudness (LUFS) the final mix is normalised to; false or absent leaves the mix as is. */
export const loudnessSchema = z
  .union([z.number().min(-70).max(-5), z.literal(false)], {
    error: "loudness must be a target in LUFS (-70 to -5, e.g. -14) or false",
  })
  .describe("-14 social platforms, -16 podcasts, -23 broadcast (EBU R128); @default off");
