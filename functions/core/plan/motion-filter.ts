import type { MotionInput } from "../schema/motion-schema.js";
import type { Size } from "./element-box.js";
import { num } from "./ffmpeg-escape.js";
import { motionEnds, type Rect } from "./motion-views.js";

/** What a layer knows about its element's time, for the motion's clock. */
export interface MotionContext {
  fps: number;
  /** Seconds of the element already shown when this layer starts (a project-level element in a later scene). */
  elapsed: number;
  /** Seconds the element is shown in all: the motion's default length. */
  length: number;
}

export interface MotionFilterSpec {
  motion: MotionInput;
  /** The picture's own size (probed). */
  picture: Size;
  /** The element's box on the output frame: what every frame of the motion fills. */
  box: Size;
  fps: number;
  /** Seconds of the element already shown when this layer starts (a project-level element in a later scene). */
  elapsed: number;
  /** Seconds the element is shown in all: the motion's default length. */
  length: number;
  /** A still is decoded once and repeated this many frames; a video brings its own frames. */
  still?: { frames: number; alpha: boolean };
  /**
   * A video's frames are already on the scene's clock: its first motion frame is drawn at this
   * instant (a frame of the output), so the motion's frames fall on the scene's frame grid.
   */
  firstFrameAt?: number;
}

export interface MotionFilters {
  filters: string[];
  /** The share (≤ 1) of the picture's resolution the motion works at, for the shared decode's scale. */
  scale: number;
  /** What the chain holds beyond the drawn picture: the working picture and the moving window. */
  extraBytes: number;
}

const even = (n: number) => 2 * Math.ceil(n / 2);

function easingOf(motion: MotionInput, u: string): string {
  switch (motion.easing ?? "linear") {
    case "linear":
      return u;
    case "ease-in":
      return `${u}*${u}`;
    case "ease-out":
      return `(1-(1-${u})*(1-${u}))`;
    case "ease-in-out":
      return `${u}*${u}*(3-2*${u})`;
  }
}

/**
 * Zoom and pan without jitter. zoompan (and a crop that moves) can only place the picture on
 * whole pixels, so a slow move wobbles by a pixel from frame to frame. Here the picture is first
 * scaled once to the resolution the closest view needs (never above its own), a window of whole,
 * even pixels that always holds the current view is cut around it, and `perspective` samples the
 * view out of that window at its exact fractional position and size (interpolating between
 * pixels), before it is scaled to the box. Every frame is computed from its frame number, so the
 * motion is the same in whatever scene or segment a frame is rendered. Both filters count their
 * frames (crop from 0, perspective from 1) and evaluate the same expressions, so the window and
 * the view inside it always agree.
 */
export function motionFilters(spec: MotionFilterSpec): MotionFilters {
  const { picture, box, fps, motion } = spec;
  const { from, to } = motionEnds(motion, picture, box);
  const scale = Math.min(1, box.width / Math.min(from.width, to.width));
  const workW = even(picture.width * scale);
  const workH = even(picture.height * scale);
  const sx = workW / picture.width;
  const sy = workH / picture.height;
  const inWork = (r: Rect): Rect => ({
    x: r.x * sx,
    y: r.y * sy,
    width: r.width * sx,
    height: r.height * sy,
  });
  const a = inWork(from);
  const b = inWork(to);
  const windowW = Math.min(workW, even(Math.max(a.width, b.width) + 3));
  const windowH = Math.min(workH, even(Math.max(a.height, b.height) + 3));

  const start = motion.start ?? 0;
  const duration = Math.max(1 / fps, motion.duration ?? spec.length - start);
  const progress = (frame: string) =>
    easingOf(motion, `clip((${frame}/${num(fps)}+${num(spec.elapsed - start)})/${num(duration)},0,1)`);
  const along = (p: string, v0: number, v1: number) =>
    v1 === v0 ? num(v0) : `(${num(v0)}${v1 > v0 ? "+" : "-"}${num(Math.abs(v1 - v0))}*${p})`;
  const view = (frame: string) => {
    const p = progress(frame);
    return {
      x: along(p, a.x, b.x),
      y: along(p, a.y, b.y),
      w: along(p, a.width, b.width),
      h: along(p, a.height, b.height),
    };
  };
  // The window's corner: the view's corner rounded down to even pixels (4:2:0 chroma is cut on
  // even pixels), kept inside the picture.
  const corner = (v: string, room: number) => `max(0,min(2*floor(${v}/2),${num(room)}))`;

  const c = view("n");
  const crop = `crop=${num(windowW)}:${num(windowH)}:'${corner(c.x, workW - windowW)}':'${corner(c.y, workH - windowH)}'`;
  const p = view("(in-1)");
  const left = `(${p.x}-${corner(p.x, workW - windowW)})`;
  const top = `(${p.y}-${corner(p.y, workH - windowH)})`;
  const right = `(${left}+${p.w})`;
  const bottom = `(${top}+${p.h})`;
  const perspective =
    `perspective=x0='${left}':y0='${top}':x1='${right}':y1='${top}':` +
    `x2='${left}':y2='${bottom}':x3='${right}':y3='${bottom}':sense=source:eval=frame`;

  const prepare = spec.still
    ? [
        `scale=${num(workW)}:${num(workH)}`,
        spec.still.alpha ? "format=yuva420p" : "format=yuv420p",
        `loop=loop=${Math.max(0, spec.still.frames - 1)}:size=1:start=0`,
        // The picture demuxer counts in 1/25 s: at another rate N/fps would be rounded to its ticks.
        `settb=1/${num(fps)}`,
        `setpts=N`,
      ]
    : [
        `fps=${num(fps)}${spec.firstFrameAt !== undefined ? `:start_time=${num(spec.firstFrameAt)}` : ""}`,
        `scale=${num(workW)}:${num(workH)}`,
        "format=yuv420p",
      ];
  return {
    filters: [...prepare, crop, perspective, `scale=${num(box.width)}:${num(box.height)}`, "setsar=1"],
    scale: Math.max(sx, sy),
    extraBytes: Math.round(2.5 * (workW * workH + 2 * windowW * windowH)),
  };
}
