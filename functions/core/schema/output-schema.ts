import { z } from "zod";
import { obj } from "./schema-parts.js";

/** What a job makes besides the MP4. */
export const outputSchema = obj({
  poster: z.boolean().optional().describe("a JPEG frame next to the video; @default true"),
  gif_preview: z
    .union([
      z.boolean(),
      obj({
        seconds: z.number().gt(0).max(15).optional().describe("@default 3, from the start"),
        width: z.number().int().min(32).max(1280).optional().describe("pixels; @default 480"),
        fps: z.number().int().min(1).max(30).optional().describe("@default 10"),
      }),
    ])
    .optional()
    .describe("a short animated GIF for listings (videos/<id>.gif); @default off"),
});
export type OutputInput = z.output<typeof outputSchema>;
