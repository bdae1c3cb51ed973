export interface Size {
  width: number;
  height: number;
}

export interface Box extends Size {
  x: number;
  y: number;
}

interface Placement {
  x?: number | undefined;
  y?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
}

/**
 * Where a video or image layer goes on the output frame. Missing sides follow the source's
 * aspect ratio (the output's if the probe had no size), because users who give one side expect
 * the picture not to be distorted.
 *
 * `whenUnsized` is what a layer with neither side becomes: the full frame for videos (they are
 * backgrounds), the natural size for images (they are stickers/logos).
 */
export function elementBox(el: Placement, natural: Partial<Size>, whenUnsized: Size): Box {
  const x = el.x ?? 0;
  const y = el.y ?? 0;
  if (el.width !== undefined && el.height !== undefined) return { x, y, width: el.width, height: el.height };
  if (el.width === undefined && el.height === undefined) return { x, y, ...whenUnsized };
  const aspect =
    natural.width && natural.height ? natural.width / natural.height : whenUnsized.width / whenUnsized.height;
  if (el.width !== undefined)
    return { x, y, width: el.width, height: Math.max(1, Math.round(el.width / aspect)) };
  const height = el.height ?? whenUnsized.height;
  return { x, y, width: Math.max(1, Math.round(height * aspect)), height };
}
