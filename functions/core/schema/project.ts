import type { ElementInput } from "./request-schema.js";
import type { TextStyle } from "./text-element-schema.js";
import type { Transition } from "./transition-schema.js";

/** The one internal shape every accepted request form is normalised to; stored as `jobs/<id>/request.json`. */
export interface Project {
  comment?: string;
  width: number;
  height: number;
  fps: number;
  /** CRF; undefined = the deployment's VIDEOCRAFT_FFMPEG_QUALITY. */
  crf?: number;
  /** Fastest encoder preset for previews (larger file). */
  draft: boolean;
  /** #RRGGBB or #RRGGBBAA */
  background_color: string;
  /** Global elements: a looping background video, background music, a watermark, captions for all scenes. */
  elements: ElementInput[];
  scenes: Scene[];
  webhook?: { url: string; secret?: string };
  /** Defaults every text element inherits key by key. */
  text_style?: TextStyle;
  /** Integrated loudness (LUFS) the final mix is normalised to; absent = the mix as is. */
  loudness?: number;
  /** Absent = a poster and no GIF, as before these options existed. */
  output?: OutputOptions;
}

export interface OutputOptions {
  poster: boolean;
  gif_preview?: GifPreviewOptions;
}

export interface GifPreviewOptions {
  seconds: number;
  width: number;
  fps: number;
}

export const GIF_PREVIEW_DEFAULTS: Readonly<GifPreviewOptions> = Object.freeze({
  seconds: 3,
  width: 480,
  fps: 10,
});

export interface Scene {
  /** Given by the client or generated as `scene-<index>`. */
  id: string;
  background_color: string;
  duration?: number;
  elements: ElementInput[];
  /** Into this scene from the previous one (see transition-window.ts); ignored on the first scene. */
  transition?: Transition;
}

export const QUALITY_CRF = { low: 28, medium: 23, high: 18 } as const;
export const DEFAULT_WIDTH = 1920;
export const DEFAULT_HEIGHT = 1080;
export const DEFAULT_FPS = 30;
export const MAX_LONG_SIDE = 3840;
export const MAX_SHORT_SIDE = 2160;
