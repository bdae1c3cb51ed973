import type { MotionInput, MotionView } from "../schema/motion-schema.js";
import type { Size } from "./element-box.js";

/** A rectangle of the source picture, in its pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How far a preset zooms, and so how much room a pan has to travel. */
export const DEFAULT_MOTION_ZOOM = 1.25;

/**
 * The two ends of a motion as rectangles of the picture that exactly fill the box: the shape of
 * the box, inside the picture. `zoom` 1 is the picture as `cover` shows it (the largest such
 * rectangle, centred); `zoom` z is 1/z of that around the requested point, moved inward where it
 * would leave the picture. A given rectangle is widened to the box's shape around its centre
 * (shrunk back when that no longer fits), then moved inside like the others.
 */
export function motionEnds(motion: MotionInput, picture: Size, box: Size): { from: Rect; to: Rect } {
  const zoom = motion.zoom ?? DEFAULT_MOTION_ZOOM;
  const preset = presetViews(motion.type, zoom);
  const rest: MotionView = {};
  const fromView = motion.from ?? preset?.from ?? rest;
  const toView = motion.to ?? preset?.to ?? rest;
  return { from: viewRect(fromView, picture, box), to: viewRect(toView, picture, box) };
}

function presetViews(
  type: MotionInput["type"],
  zoom: number,
): { from: MotionView; to: MotionView } | undefined {
  // Pans run from one edge of the room the zoom leaves to the other; center 0/1 is clamped there.
  switch (type) {
    case undefined:
      return undefined;
    case "zoom-in":
      return { from: { zoom: 1 }, to: { zoom } };
    case "zoom-out":
      return { from: { zoom }, to: { zoom: 1 } };
    case "pan-left":
      return { from: { zoom, center_x: 1 }, to: { zoom, center_x: 0 } };
    case "pan-right":
      return { from: { zoom, center_x: 0 }, to: { zoom, center_x: 1 } };
    case "pan-up":
      return { from: { zoom, center_y: 1 }, to: { zoom, center_y: 0 } };
    case "pan-down":
      return { from: { zoom, center_y: 0 }, to: { zoom, center_y: 1 } };
  }
}

/** The largest rectangle of the box's shape inside the picture. */
function coverSize(picture: Size, box: Size): Size {
  const aspect = box.width / box.height;
  return picture.width / picture.height > aspect
    ? { width: picture.height * aspect, height: picture.height }
    : { width: picture.width, height: picture.width / aspect };
}

function viewRect(view: MotionView, picture: Size, box: Size): Rect {
  const cover = coverSize(picture, box);
  let width: number;
  let height: number;
  let cx: number;
  let cy: number;
  if (
    view.left !== undefined &&
    view.top !== undefined &&
    view.width !== undefined &&
    view.height !== undefined
  ) {
    width = view.width * picture.width;
    height = view.height * picture.height;
    cx = view.left * picture.width + width / 2;
    cy = view.top * picture.height + height / 2;
    const aspect = box.width / box.height;
    if (width / height < aspect) width = height * aspect;
    else height = width / aspect;
    const fit = Math.min(1, cover.width / width);
    width *= fit;
    height *= fit;
  } else {
    const zoom = view.zoom ?? 1;
    width = cover.width / zoom;
    height = cover.height / zoom;
    cx = (view.center_x ?? 0.5) * picture.width;
    cy = (view.center_y ?? 0.5) * picture.height;
  }
  const x = Math.min(Math.max(cx - width / 2, 0), picture.width - width);
  const y = Math.min(Math.max(cy - height / 2, 0), picture.height - height);
  return { x, y, width, height };
}
