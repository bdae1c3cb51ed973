import { z } from "zod";
import { normaliseLanguage } from "../speech-languages.js";
import { motionSchema } from "./motion-schema.js";
import { outputSchema } from "./output-schema.js";
import {
  backgroundColorSchema,
  captionLength,
  colorSchema,
  isUnsafeUrlText,
  obj,
  pixels,
  positionSchema,
  positiveSeconds,
  resize,
  seconds,
  size,
  srcSchema,
  URL_TEXT_MESSAGE,
  volume,
} from "./schema-parts.js";
import { duckingSchema, loudnessSchema } from "./sound-schema.js";
import { textElementSchema, textStyleSchema } from "./text-element-schema.js";
import { transitionSchema } from "./transition-schema.js";

/**
 * The request format (README, "Request format", explains it to users), written once: validation, TypeScript
 * types and the published JSON Schema all come from here. Keys are in their normalised underscore form;
 * hyphenated keys are accepted by `normaliseKeys` before validation. Every object is strict (unknown keys are
 * errors naming the key) but allows a free-text `comment`.
 */

/** The spoken language, for speech recognition and alignment. */
const language = z
  .string()
  .max(32)
  .refine((l) => normaliseLanguage(l) !== undefined, {
    message:
      "language must be auto or a language whisper knows: an ISO 639-1 code (de), a tag (pt-BR) or a name",
  })
  .describe("@default auto (detected from the speech)");

/** Where and when a picture (video or image) sits in the frame. */
const placement = {
  id: z.string().max(128).optional(),
  src: srcSchema,
  x: pixels.optional(),
  y: pixels.optional(),
  width: size.optional(),
  height: size.optional(),
  z_index: z.number().int().min(-1000).max(1000).optional(),
  start: seconds().optional(),
  duration: positiveSeconds().optional(),
};

export const videoElementSchema = obj({
  type: z.literal("video"),
  ...placement,
  resize: resize.optional().describe("@default cover"),
  volume: volume.optional().describe("@default 0 for background (full-frame or global) videos, else 1"),
  loop: z.boolean().optional().describe("@default true"),
  fade_in: seconds(600).optional(),
  fade_out: seconds(600).optional(),
  animation: motionSchema.optional().describe("zoom or pan over the picture (Ken Burns)"),
});

export const audioElementSchema = obj({
  type: z.literal("audio"),
  id: z.string().max(128).optional(),
  src: srcSchema,
  volume: volume.optional().describe("@default 1"),
  language: language.optional(),
  start: seconds().optional(),
  duration: positiveSeconds().optional(),
  fade_in: seconds(600).optional(),
  fade_out: seconds(600).optional(),
  ducking: duckingSchema
    .optional()
    .describe("background music only: lowered while the scenes' narration plays; @default off"),
});

export const imageElementSchema = obj({
  type: z.literal("image"),
  ...placement,
  resize: resize.optional().describe("@default cover when a width or height is given"),
  animation: motionSchema
    .optional()
    .describe("zoom or pan over the picture (Ken Burns); without width/height the image fills the frame"),
});

/** Every caption setting; the subtitles element takes them in `settings` or as its own keys. */
const subtitleSettingsShape = {
  style: z
    .enum(["progressive", "karaoke", "classic"])
    .optional()
    .describe(
      "@default progressive (one word at a time, as VideoCraft); karaoke = the phrase with the spoken word highlighted; classic = the phrase",
    ),
  font_family: z.string().min(1).max(128).optional(),
  font_size: captionLength(200, 2000, 1)
    .optional()
    .describe('@default 24 — VideoCraft units (× output height / 288), or pixels like "48px"'),
  word_color: colorSchema.optional(),
  line_color: colorSchema.optional(),
  shadow_color: colorSchema.optional(),
  shadow_offset: captionLength(50, 500).optional().describe("@default 1 (VideoCraft units)"),
  box_color: colorSchema.optional(),
  outline_color: colorSchema.optional(),
  outline_width: captionLength(50, 500).optional().describe("@default 2 (VideoCraft units)"),
  position: positionSchema.optional(),
  max_words_per_line: z.number().int().min(1).max(50).optional(),
  all_caps: z.boolean().optional(),
};
export const SUBTITLE_SETTING_KEYS = Object.keys(subtitleSettingsShape) as (keyof SubtitleSettings)[];

export const subtitleSettingsSchema = obj(subtitleSettingsShape);

const wordSchema = obj({
  word: z.string().min(1).max(200),
  start: seconds(),
  end: seconds(),
});

export const subtitlesElementSchema = obj({
  type: z.literal("subtitles"),
  id: z.string().max(128).optional(),
  language: language.optional(),
  settings: subtitleSettingsSchema.optional(),
  text: z.string().min(1).max(100_000).optional(),
  words: z.array(wordSchema).max(100_000).optional(),
  audio: z.string().max(128).optional().describe("id of the audio element to caption"),
  duration: positiveSeconds().optional(),
  ...subtitleSettingsShape,
}).superRefine((el, ctx) => {
  for (const key of SUBTITLE_SETTING_KEYS) {
    if (el[key] !== undefined && el.settings?.[key] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: "this setting is given both on the element and in its settings",
      });
    }
  }
});

const elementSchema = z.discriminatedUnion(
  "type",
  [videoElementSchema, audioElementSchema, imageElementSchema, subtitlesElementSchema, textElementSchema],
  { error: "type must be one of video, audio, image, subtitles, text" },
);

export const sceneSchema = obj({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, { message: "scene id may hold letters, digits, '.', '_' and '-' only" })
    .optional(),
  background_color: backgroundColorSchema.optional(),
  duration: positiveSeconds().optional().describe("@default the longest audio of the scene"),
  elements: z.array(elementSchema).min(1, { message: "a scene needs at least one element" }).max(100),
  transition: transitionSchema.optional(),
});

const RESOLUTION = /^(\d{2,5})x(\d{2,5})$/;

export const projectSchema = obj({
  resolution: z
    .string()
    .refine((r) => r === "custom" || RESOLUTION.test(r), {
      message: "resolution must be WIDTHxHEIGHT (e.g. 1920x1080) or custom",
    })
    .optional(),
  width: size.optional(),
  height: size.optional(),
  fps: z.number().int().min(1).max(60).optional().describe("@default 30"),
  quality: z
    .union([z.enum(["low", "medium", "high", "draft"]), z.number().int().min(0).max(51)], {
      error: "quality must be low, medium, high, draft or a CRF number 0–51",
    })
    .optional(),
  background_color: backgroundColorSchema.optional(),
  text_style: textStyleSchema
    .optional()
    .describe("defaults for every text element, which override them key by key"),
  loudness: loudnessSchema.optional(),
  output: outputSchema.optional(),
  elements: z.array(elementSchema).max(20).optional(),
  scenes: z.array(sceneSchema).min(1, { message: "a project needs at least one scene" }).max(200),
  webhook: obj({
    // Checked before z.url, which strips tabs and newlines itself.
    url: z
      .string()
      .refine((s) => !isUnsafeUrlText(s), { message: `url ${URL_TEXT_MESSAGE}` })
      .pipe(z.url({ protocol: /^https?$/ }))
      .meta({ format: "uri" }),
    secret: z.string().min(16).max(256).optional(),
  }).optional(),
});

export type VideoElementInput = z.output<typeof videoElementSchema>;
export type AudioElementInput = z.output<typeof audioElementSchema>;
export type ImageElementInput = z.output<typeof imageElementSchema>;
export type SubtitlesElementInput = z.output<typeof subtitlesElementSchema>;
export type ElementInput = z.output<typeof elementSchema>;
export type SceneInput = z.output<typeof sceneSchema>;
export type ProjectInput = z.output<typeof projectSchema>;
export type SubtitleSettings = z.output<typeof subtitleSettingsSchema>;

/** A request body: one project, or VideoCraft's array of projects. */
export const requestBodySchema = z.union([projectSchema, z.array(projectSchema).min(1)]);
