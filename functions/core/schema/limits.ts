/**
 * How much one project may ask for, so one request cannot hold a worker's CPU, disk or time
 * budget hostage. The schema's own maxima are the hard caps
 * that no configuration can raise; a deployment may set lower limits through VIDEOCRAFT_MAX_*.
 * Each limit is enforced at validation where the request says enough, else by the render worker
 * once the sources are fetched and probed (`SOURCE_TOO_LARGE`).
 */
export interface ProjectLimits {
  /** Scenes per project (VIDEOCRAFT_MAX_SCENES). */
  maxScenes: number;
  /** Elements per scene (VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE). */
  maxElementsPerScene: number;
  /** Length of the rendered video in seconds (VIDEOCRAFT_MAX_VIDEO_SECONDS). */
  maxVideoSeconds: number;
  /** Output frame, longer and shorter side in pixels (VIDEOCRAFT_MAX_RESOLUTION). */
  maxLongSide: number;
  maxShortSide: number;
  /** Pixels of one picture of a source (VIDEOCRAFT_MAX_SOURCE_PIXELS), checked after probing. */
  maxSourcePixels: number;
}

/** The schema's maxima: what the request format itself allows. */
export const HARD_LIMITS: Readonly<ProjectLimits> = Object.freeze({
  maxScenes: 200,
  maxElementsPerScene: 100,
  maxVideoSeconds: 4 * 3600,
  maxLongSide: 3840,
  maxShortSide: 2160,
  maxSourcePixels: 16384 * 16384,
});

/** What a deployment enforces when it sets nothing. */
export const DEFAULT_LIMITS: Readonly<ProjectLimits> = Object.freeze({
  ...HARD_LIMITS,
  maxVideoSeconds: 3600,
  maxSourcePixels: 8192 * 8192,
});

/** Configured limits, each clamped to its hard cap. */
export function resolveLimits(given: Partial<ProjectLimits> = {}): ProjectLimits {
  const pick = (k: keyof ProjectLimits) => Math.min(given[k] ?? DEFAULT_LIMITS[k], HARD_LIMITS[k]);
  return {
    maxScenes: pick("maxScenes"),
    maxElementsPerScene: pick("maxElementsPerScene"),
    maxVideoSeconds: pick("maxVideoSeconds"),
    maxLongSide: pick("maxLongSide"),
    maxShortSide: pick("maxShortSide"),
    maxSourcePixels: pick("maxSourcePixels"),
  };
}
