import type { Size } from "./element-box.js";
import type { Layer } from "./layer-stack.js";
import type { ScenePlan, SegmentMemory, SegmentPlan } from "./render-plan.js";

/**
 * A conservative estimate of what one scene's ffmpeg command holds in memory. Fitted to peak RSS
 * measured with bench/pixel-bombs.ts and plain encodes (ffmpeg 5.1, libx264, 2 cores): the
 * encoder's frames grow with the output size and the preset; every overlaid layer adds one output
 * frame (overlay's) and its own picture at the drawn size; every distinct decode adds the source
 * picture (a clip: several in flight in a threaded decoder). Estimates run above the measurements
 * (up to about 2× for full-frame clip layers), never below them.
 */
const BYTES_PER_PIXEL = {
  /** A decoded still (RGBA) with the scaler that reads it. */
  still: 5,
  /**
   * A decoded clip: 4:2:0 pictures (1.5 bytes a pixel), about 16 of them held by a frame-threaded
   * H.264 decoder (its reference pictures and one per thread), and the scaler that reads them.
   */
  video: 24,
  /** Per layer, for each pixel of the output frame (overlay's working frame). */
  layerOutput: 1.75,
  /** Per layer, for each pixel it is drawn at: a still's RGB(A) copy converted for overlay. */
  layerDrawnRgba: 3,
  /** The same for a clip, which stays 4:2:0 unless its chain adds alpha (contain, center, fades). */
  layerDrawnYuv: 1.5,
};
/** libx264's reference and look-ahead frames, per output pixel, by preset (measured at 1080p and 2160p). */
const ENCODER_BYTES_PER_PIXEL: Record<string, number> = {
  ultrafast: 40,
  superfast: 100,
  veryfast: 120,
  faster: 150,
  fast: 180,
  medium: 220,
  slow: 260,
  slower: 330,
  veryslow: 420,
};
/** ffmpeg with its libraries and filter graph before any picture. */
const FIXED_BYTES = 64 * 1024 ** 2;
/** One audio input of the soundtrack mix: its demuxer, decoder and filter chain (measured ≈ 0.6 MiB). */
const AUDIO_TRACK_BYTES = 1024 ** 2;

/** Distinct decodes count once (layers of one source share a decode, see segmentCommand). */
export function estimateSegmentMemory(
  frame: Size,
  preset: string,
  layers: readonly Layer[],
  decodeKey: (l: Layer) => string,
): SegmentMemory {
  const outputPixels = frame.width * frame.height;
  let bytes =
    FIXED_BYTES + outputPixels * (ENCODER_BYTES_PER_PIXEL[preset] ?? ENCODER_BYTES_PER_PIXEL.veryslow!);
  const decoded = new Set<string>();
  const running = layers.map((layer) => {
    const key = decodeKey(layer);
    if (!decoded.has(key)) {
      decoded.add(key);
      const { width, height, still } = layer.decoded;
      bytes += width * height * (still ? BYTES_PER_PIXEL.still : BYTES_PER_PIXEL.video);
    }
    const rgba = layer.decoded.still || layer.filters.some((f) => f.startsWith("format="));
    const drawn = rgba ? BYTES_PER_PIXEL.layerDrawnRgba : BYTES_PER_PIXEL.layerDrawnYuv;
    bytes += outputPixels * BYTES_PER_PIXEL.layerOutput + layer.drawn.width * layer.drawn.height * drawn;
    bytes += layer.extraBytes ?? 0;
    return { at: layer.at, bytes };
  });
  return { bytes, running };
}

/** The soundtrack mix reads every audible element as its own input (see audioMixCommand). */
export function estimateMixMemory(tracks: readonly { at: string }[]): SegmentMemory {
  let bytes = FIXED_BYTES;
  const running = tracks.map((t) => {
    bytes += AUDIO_TRACK_BYTES;
    return { at: t.at, bytes };
  });
  return { bytes, running };
}

/** The first layer at which a scene's estimate passes `limit`, with the estimate there; undefined when it fits. */
export function sceneOverMemory(scene: ScenePlan, limit: number): { at: string; bytes: number } | undefined {
  if (scene.memory.bytes <= limit) return undefined;
  return (
    scene.memory.running.find((r) => r.bytes > limit) ?? {
      at: `scenes[${scene.index}]`,
      bytes: scene.memory.bytes,
    }
  );
}

const mib = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)} MiB`;

/**
 * The first ffmpeg command of a plan (a scene, or the soundtrack mix) that would need more than
 * `limit` bytes, as the JSON path of the element that takes it past the limit and a message with
 * both numbers.
 */
export function checkRenderMemory(
  plan: { scenes: readonly ScenePlan[]; segments?: readonly SegmentPlan[]; audioMemory: SegmentMemory },
  limit: number,
): { path: string; message: string } | undefined {
  const tooMuch = (what: string, bytes: number, advice: string) =>
    `${what} would need about ${mib(bytes)} of memory by this element, more than the ${mib(limit)} ` +
    `one ffmpeg command may use (VIDEOCRAFT_FFMPEG_MAX_MEMORY); ${advice}`;
  for (const scene of plan.scenes) {
    const over = sceneOverMemory(scene, limit);
    if (!over) continue;
    return {
      path: over.at,
      message: tooMuch(
        `drawing scene ${scene.index} ("${scene.id}")`,
        over.bytes,
        "show fewer or smaller distinct pictures at once",
      ),
    };
  }
  // A transition's window draws both scenes at once: each may fit alone and the two not.
  for (const window of (plan.segments ?? []).filter((s) => s.transition && s.memory.bytes > limit)) {
    return {
      path: `scenes[${window.scene + 1}].transition`,
      message: tooMuch(
        `drawing the transition into scene ${window.scene + 1} (both scenes at once)`,
        window.memory.bytes,
        "show fewer or smaller distinct pictures in the two scenes, or leave the transition out",
      ),
    };
  }
  if (plan.audioMemory.bytes > limit) {
    const over = plan.audioMemory.running.find((r) => r.bytes > limit);
    return {
      path: over?.at ?? "",
      message: tooMuch(
        `mixing the soundtrack (${plan.audioMemory.running.length} audio tracks)`,
        over?.bytes ?? plan.audioMemory.bytes,
        "use fewer audio elements",
      ),
    };
  }
  return undefined;
}
