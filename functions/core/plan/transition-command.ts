import type { TransitionType } from "../schema/transition-schema.js";
import { ffmpegColor, num } from "./ffmpeg-escape.js";
import type { EncoderSettings, FfmpegCommand } from "./render-plan.js";
import { encodedCommand, type SegmentSpec, segmentGraph } from "./segment-command.js";

/** ffmpeg's xfade transition for each type drawn by blending two moving pictures. */
const XFADE: Record<Exclude<TransitionType, "fade">, string> = {
  crossfade: "fade",
  "slide-left": "slideleft",
  "slide-right": "slideright",
  "slide-up": "slideup",
  "slide-down": "slidedown",
  "wipe-left": "wipeleft",
  "wipe-right": "wiperight",
  "wipe-up": "wipeup",
  "wipe-down": "wipedown",
};

export interface TransitionSpec {
  output: string;
  fps: number;
  type: TransitionType;
  /** `fade` only: the colour faded through. */
  color?: string;
  halfFrames: number;
  encoder: EncoderSettings;
  /** The outgoing scene's last `halfFrames` frames, as its own segment would draw them. */
  outgoing: SegmentSpec;
  /** The incoming scene's first `halfFrames` frames. */
  incoming: SegmentSpec;
}

/**
 * A transition's window as one segment of its own, 2·halfFrames frames, encoded like every other
 * segment so `concat -c copy` joins it between the two scenes' shortened segments. Both scenes'
 * graphs run in this one command (each exactly as in its own segment, so captions, overlays and
 * motion are where they would be), then:
 *  - `fade`: the outgoing frames fade out to the colour and the incoming ones fade in from it, so
 *    the picture is the pure colour right at the cut and moves on both sides of it;
 *  - every other type: xfade over the whole window of (the outgoing frames, then its last frame
 *    held) with (the incoming first frame held, then its frames); at the cut each is half done.
 */
export function transitionCommand(spec: TransitionSpec): FfmpegCommand {
  const h = spec.halfFrames;
  const a = segmentGraph(spec.outgoing, { firstInput: 0, out: "ta" });
  const b = segmentGraph(spec.incoming, { firstInput: a.inputCount, out: "tb" });
  const mix =
    spec.type === "fade"
      ? (() => {
          const c = ffmpegColor(spec.color ?? "#000000");
          return [
            `[ta]fade=t=out:s=0:n=${h}:color=${c}[fa]`,
            `[tb]fade=t=in:s=0:n=${h}:color=${c}[fb]`,
            "[fa][fb]concat=n=2:v=1:a=0[vout]",
          ];
        })()
      : [
          // tpad gives its first clone the held frame's own timestamp; xfade takes its progress
          // from timestamps, so both sides are renumbered one frame apart before it.
          `[ta]tpad=stop_mode=clone:stop=${h},setpts=N/(${num(spec.fps)}*TB)[pa]`,
          `[tb]tpad=start_mode=clone:start=${h},setpts=N/(${num(spec.fps)}*TB)[pb]`,
          `[pa][pb]xfade=transition=${XFADE[spec.type]}:duration=${num((2 * h) / spec.fps)}:offset=0[vout]`,
        ];
  return encodedCommand({
    inputs: [...a.inputs, ...b.inputs],
    graph: [...a.graph, ...b.graph, ...mix],
    encoder: spec.encoder,
    fps: spec.fps,
    frames: 2 * h,
    output: spec.output,
    files: [...(spec.outgoing.subtitles ?? []), ...(spec.incoming.subtitles ?? [])],
  });
}
