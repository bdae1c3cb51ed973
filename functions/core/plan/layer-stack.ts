/**
 * One picture layer of a scene segment: an ffmpeg input plus how it is prepared and overlaid.
 * Everything in `filters` and `overlay` is numbers or fixed keywords; the path lives only in
 * `inputArgs` (after `-i`). Frame timestamps are scene seconds all through the graph, in a chunk
 * of a scene too, so anything timed (`enable`, fades, captions) is written in scene time.
 */
export interface Layer {
  /** JSON path of the element, for messages. */
  at: string;
  /** Input options ending with `-i <path>`. */
  inputArgs: string[];
  /** Filters from the decoded input to the frame that is overlaid, joined with `,`. */
  filters: string[];
  /**
   * The picture ffmpeg decodes for this layer (the source's size; a still is decoded once, a video
   * keeps several pictures in flight) and the size it is drawn at after `filters`: what the
   * segment's memory estimate counts, and whether layers of one source may share one decode.
   */
  decoded: {
    width: number;
    height: number;
    still: boolean;
    /** The largest fraction (≤ 1) of the decoded resolution that `filters` keep. */
    scale: number;
  };
  drawn: { width: number; height: number };
  /** Bytes the layer's own filters hold beyond its drawn picture (a moving picture's working copies). */
  extraBytes?: number;
  overlay: {
    x: number;
    y: number;
    /** Seconds within the scene during which the layer is shown. */
    from: number;
    to: number;
    /** `pass`: a clip that has ended disappears; `repeat`: a still keeps showing its one frame. */
    eofAction: "pass" | "repeat";
  };
  /**
   * An opaque clip covering the whole frame for the whole scene, with a frame for every instant:
   * as the bottom layer it can be the base frame itself instead of being overlaid on a colour.
   * Decided for the scene, not the chunk, so every segment of a scene is drawn the same way.
   */
  fillsSegment?: boolean;
}

/** A stretch of a scene, in scene seconds: what one segment (a chunk of a long scene) draws. */
export interface ScenePart {
  start: number;
  end: number;
  /** The scene's own length. */
  sceneEnd: number;
}

export const WHOLE_SCENE: ScenePart = {
  start: 0,
  end: Number.POSITIVE_INFINITY,
  sceneEnd: Number.POSITIVE_INFINITY,
};

/** The part of a layer's window [from, to] that falls in `part`; undefined when none does. */
export function shownIn(from: number, to: number, part: ScenePart): { from: number; to: number } | undefined {
  const shown = { from: Math.max(from, part.start), to: Math.min(to, part.end) };
  return shown.to > shown.from ? shown : undefined;
}

/**
 * Where a layer came from decides its place before z-index does: a global background video is
 * always the backdrop, and a global watermark without a z-index belongs above everything the
 * scene itself draws.
 */
export type LayerTier = "background" | "scene" | "watermark";

export interface StackEntry {
  layer: Layer;
  tier: LayerTier;
  zIndex: number | undefined;
  /** Position in the document, for stable ties. */
  order: number;
}

const TIER_RANK: Record<LayerTier, number> = { background: 0, scene: 1, watermark: 2 };

/** Bottom first: backgrounds, then by z-index ascending; ties keep scene layers under watermarks, then document order. */
export function stackLayers(entries: readonly StackEntry[]): Layer[] {
  const key = (e: StackEntry) => {
    if (e.tier === "background") return Number.NEGATIVE_INFINITY;
    return e.zIndex ?? (e.tier === "watermark" ? Number.POSITIVE_INFINITY : 0);
  };
  return [...entries]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      if (a.tier !== b.tier) return TIER_RANK[a.tier] - TIER_RANK[b.tier];
      return a.order - b.order;
    })
    .map((e) => e.layer);
}
