import type { TextAnimationType, TextElementInput } from "../schema/text-element-schema.js";

/** How a text element is drawn at one moment, relative to where it rests. */
export interface TextState {
  /** Offset in output pixels. */
  dx: number;
  dy: number;
  /** Around the centre of the text's box; 1 = as laid out. */
  scale: number;
  /** 0 invisible … 1 as styled. */
  opacity: number;
}

/** A stretch of time (seconds in the scene) over which the state moves linearly from `a` to `b`. */
export interface StateSegment {
  from: number;
  to: number;
  a: TextState;
  b: TextState;
}

/** When characters appear (`in`) or disappear again (`out`), seconds in the scene. */
export interface TypewriterWindow {
  from: number;
  to: number;
}

export interface TextTimeline {
  /** Back to back, covering the element's whole time. */
  segments: StateSegment[];
  typeIn?: TypewriterWindow;
  typeOut?: TypewriterWindow;
}

const REST: TextState = { dx: 0, dy: 0, scale: 1, opacity: 1 };
const DEFAULT_DURATION = 0.5;
const TYPEWRITER_SECONDS_PER_CHARACTER = 0.05;
/** Pieces an eased move is cut into: libass interpolates `\move`, `\t` and `\fade` linearly only. */
const EASED_PIECES = 4;
/** A slide travels this share of the frame (its height for up/down, its width for left/right). */
const SLIDE_SHARE = 0.1;
/** How far a pop overshoots before it settles. */
const POP_OVERSHOOT = 1.1;

interface Step {
  type: TextAnimationType;
  duration: number;
}

function stepOf(
  given: NonNullable<TextElementInput["animation"]>["in"],
  length: number,
  characters: number,
): Step | undefined {
  if (given === undefined) return undefined;
  const type = typeof given === "string" ? given : given.type;
  const explicit = typeof given === "string" ? undefined : given.duration;
  const fallback =
    type === "typewriter"
      ? Math.min(length / 2, Math.max(DEFAULT_DURATION, characters * TYPEWRITER_SECONDS_PER_CHARACTER))
      : DEFAULT_DURATION;
  return { type, duration: explicit ?? fallback };
}

type Ease = (u: number) => number;
const linear: Ease = (u) => u;
const easeOut: Ease = (u) => 1 - (1 - u) ** 3;
const easeIn: Ease = (u) => u ** 3;

/** States along one animation, u from 0 (start) to 1 (end), and the easing that spaces them. */
interface Curve {
  at(u: number): TextState;
  ease: Ease;
  pieces: number;
}

function entranceCurve(type: TextAnimationType, frame: { width: number; height: number }): Curve {
  const dv = frame.height * SLIDE_SHARE;
  const dh = frame.width * SLIDE_SHARE;
  const slide = (dx: number, dy: number): Curve => ({
    at: (u) => ({ dx: dx * (1 - u), dy: dy * (1 - u), scale: 1, opacity: u }),
    ease: easeOut,
    pieces: EASED_PIECES,
  });
  switch (type) {
    case "slide-up":
      return slide(0, dv);
    case "slide-down":
      return slide(0, -dv);
    case "slide-left":
      return slide(dh, 0);
    case "slide-right":
      return slide(-dh, 0);
    case "pop":
      return {
        // Grows past its size for 70 % of the time, then settles back.
        at: (u) => ({
          dx: 0,
          dy: 0,
          scale:
            u < 0.7 ? (POP_OVERSHOOT * u) / 0.7 : POP_OVERSHOOT - ((POP_OVERSHOOT - 1) * (u - 0.7)) / 0.3,
          opacity: 1,
        }),
        ease: linear,
        pieces: 1,
      };
    case "fade":
      return { at: (u) => ({ ...REST, opacity: u }), ease: linear, pieces: 1 };
    case "typewriter":
      return { at: () => REST, ease: linear, pieces: 1 };
  }
}

/** An exit is its entrance played backwards: slide-up leaves upwards, so its curve is slide-down's reversed. */
function exitCurve(type: TextAnimationType, frame: { width: number; height: number }): Curve {
  const mirror: Partial<Record<TextAnimationType, TextAnimationType>> = {
    "slide-up": "slide-down",
    "slide-down": "slide-up",
    "slide-left": "slide-right",
    "slide-right": "slide-left",
  };
  const entrance = entranceCurve(mirror[type] ?? type, frame);
  return {
    at: (u) => entrance.at(1 - u),
    ease: entrance.ease === easeOut ? easeIn : entrance.ease,
    pieces: type === "pop" ? 1 : entrance.pieces,
  };
}

/** Pop's two stretches are separate segments so each one is linear, as libass draws them. */
function curveSegments(curve: Curve, from: number, to: number, breaks: readonly number[]): StateSegment[] {
  const us = new Set<number>([0, 1, ...breaks]);
  for (let k = 1; k < curve.pieces; k++) us.add(k / curve.pieces);
  const sorted = [...us].sort((x, y) => x - y);
  const out: StateSegment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const u0 = sorted[i] ?? 0;
    const u1 = sorted[i + 1] ?? 1;
    out.push({
      from: from + (to - from) * u0,
      to: from + (to - from) * u1,
      a: curve.at(curve.ease(u0)),
      b: curve.at(curve.ease(u1)),
    });
  }
  return out;
}

/**
 * The element's time from `start` to `end` (seconds in the scene) as linear segments: its
 * entrance, its rest, its exit. When entrance and exit together are longer than the element is
 * on screen, both shrink in proportion.
 */
export function textTimeline(
  el: Pick<TextElementInput, "animation">,
  start: number,
  end: number,
  characters: number,
  frame: { width: number; height: number },
): TextTimeline {
  const length = end - start;
  const enter = stepOf(el.animation?.in, length, characters);
  const exit = stepOf(el.animation?.out, length, characters);
  const total = (enter?.duration ?? 0) + (exit?.duration ?? 0);
  const squeeze = total > length ? length / total : 1;
  const inEnd = start + (enter?.duration ?? 0) * squeeze;
  const outStart = end - (exit?.duration ?? 0) * squeeze;
  const segments: StateSegment[] = [];
  if (enter && inEnd > start) {
    const breaks = enter.type === "pop" ? [0.7] : [];
    segments.push(...curveSegments(entranceCurve(enter.type, frame), start, inEnd, breaks));
  }
  if (outStart > inEnd) segments.push({ from: inEnd, to: outStart, a: REST, b: REST });
  if (exit && end > outStart) {
    const breaks = exit.type === "pop" ? [0.3] : [];
    segments.push(...curveSegments(exitCurve(exit.type, frame), outStart, end, breaks));
  }
  return {
    segments,
    ...(enter?.type === "typewriter" ? { typeIn: { from: start, to: inEnd } } : {}),
    ...(exit?.type === "typewriter" ? { typeOut: { from: outStart, to: end } } : {}),
  };
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

export function stateAt(segment: StateSegment, time: number): TextState {
  const span = segment.to - segment.from;
  const t = span > 0 ? (time - segment.from) / span : 0;
  const { a, b } = segment;
  return {
    dx: lerp(a.dx, b.dx, t),
    dy: lerp(a.dy, b.dy, t),
    scale: lerp(a.scale, b.scale, t),
    opacity: lerp(a.opacity, b.opacity, t),
  };
}

/** The segments inside [from, to]: one cut by an edge keeps the state it has there. */
export function clipSegments(segments: readonly StateSegment[], from: number, to: number): StateSegment[] {
  return segments.flatMap((s) => {
    const a = Math.max(s.from, from);
    const b = Math.min(s.to, to);
    if (b <= a) return [];
    return [{ from: a, to: b, a: stateAt(s, a), b: stateAt(s, b) }];
  });
}
