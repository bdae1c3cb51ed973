/**
 * Global elements live on the whole output timeline but are drawn scene by scene, because each
 * scene is its own segment. This maps an element's global window onto one scene.
 */
export interface SceneSlice {
  /** Seconds within the scene where the element becomes visible / stops. */
  from: number;
  to: number;
  /** Seconds of the element's own time already elapsed at `from` (before any looping). */
  elapsed: number;
  /** Whether the element's window starts / ends inside this scene (so its fades belong here). */
  startsHere: boolean;
  endsHere: boolean;
}

export function sliceForScene(
  elementStart: number,
  elementDuration: number | undefined,
  sceneStart: number,
  sceneDuration: number,
): SceneSlice | undefined {
  const elementEnd =
    elementDuration === undefined ? Number.POSITIVE_INFINITY : elementStart + elementDuration;
  const from = Math.max(elementStart - sceneStart, 0);
  const to = Math.min(elementEnd - sceneStart, sceneDuration);
  if (to <= from) return undefined;
  return {
    from,
    to,
    elapsed: sceneStart + from - elementStart,
    startsHere: elementStart >= sceneStart,
    endsHere: elementEnd <= sceneStart + sceneDuration,
  };
}
