import { describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { chunkFramesFor } from "../../functions/core/jobs/chunk-length.js";
import { project } from "./plan/plan-fixtures.js";

const config = (env: Record<string, string> = {}) =>
  loadConfig({
    VIDEOCRAFT_BUCKET: "b-test",
    VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
    VIDEOCRAFT_AUTH: "gateway",
    VIDEOCRAFT_ASSEMBLY_QUEUE_URL: "http://127.0.0.1:1/a.fifo",
    ...env,
  });
const hd = project({
  scenes: [{ duration: 600, elements: [{ type: "image", src: "https://example.com/a.png" }] }],
});

describe("chunk length", () => {
  it("is automatic from the encode estimate on the configured memory: more vCPUs, longer chunks", () => {
    // 0.4 s per output second at 1080p30 veryfast on 3008 MB: 20 s of encode is 50 s of video.
    expect(chunkFramesFor(hd, config())).toBe(50 * 30);
    expect(chunkFramesFor(hd, config({ VIDEOCRAFT_RENDER_MEMORY_MB: "10240" }))).toBe(170 * 30);
    // A draft encodes twice as fast.
    expect(chunkFramesFor({ ...hd, draft: true }, config())).toBe(100 * 30);
  });

  it("follows VIDEOCRAFT_CHUNK_SECONDS, cut to what fits the render timeout", () => {
    expect(chunkFramesFor(hd, config({ VIDEOCRAFT_CHUNK_SECONDS: "10s" }))).toBe(300);
    expect(chunkFramesFor(hd, config({ VIDEOCRAFT_CHUNK_SECONDS: "1" }))).toBe(30);
    // 0.8 × 900 s / 0.4 s per second = 1800 s at most.
    expect(chunkFramesFor(hd, config({ VIDEOCRAFT_CHUNK_SECONDS: "2h" }))).toBe(1800 * 30);
    expect(() => config({ VIDEOCRAFT_CHUNK_SECONDS: "0.5" })).toThrow(
      /VIDEOCRAFT_CHUNK_SECONDS: must be auto or at least 1 s/,
    );
    expect(() => config({ VIDEOCRAFT_CHUNK_SECONDS: "soon" })).toThrow(/VIDEOCRAFT_CHUNK_SECONDS/);
  });

  it("is lengthened so a job's parts run in one wave on the render queue's concurrency, beside the coordinator", () => {
    // 600 s in 50 s chunks would be 12 parts; 10 at once less the coordinator leaves 9: 67 s chunks.
    expect(chunkFramesFor(hd, config(), [600])).toBe(67 * 30);
    // 8 scenes of 75 s: 16 chunks of 50 s, or the 8 scenes whole.
    expect(chunkFramesFor(hd, config(), Array(8).fill(75))).toBe(75 * 30);
    // Already few enough parts: the encode-sized length.
    expect(chunkFramesFor(hd, config(), [120])).toBe(50 * 30);
    expect(chunkFramesFor(hd, config({ VIDEOCRAFT_RENDER_MAX_CONCURRENCY: "50" }), [600])).toBe(50 * 30);
    // No length fits a single wave: the longest the timeout allows (0.8 × 900 / 0.4 = 1800 s).
    expect(chunkFramesFor(hd, config(), Array(10).fill(3600))).toBe(1800 * 30);
    // A length set by hand is kept.
    expect(chunkFramesFor(hd, config({ VIDEOCRAFT_CHUNK_SECONDS: "20" }), [600])).toBe(20 * 30);
  });

  it("is never shorter than 2 s when automatic, and there are no chunks without fan-out", () => {
    const huge = { ...hd, width: 3840, height: 2160, fps: 60 };
    expect(chunkFramesFor(huge, config({ VIDEOCRAFT_RENDER_MEMORY_MB: "128" }))).toBe(2 * 60);
    expect(
      chunkFramesFor(hd, { ...config(), fanout: { ...config().fanout, assemblyQueueUrl: undefined } }),
    ).toBe(undefined);
  });
});
