import { describe, expect, it } from "vitest";
import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import type { RenderPlan, SourceInfo } from "../../../functions/core/plan/render-plan.js";
import {
  materialiseSegment,
  portableSegment,
  segmentCacheKey,
  segmentKey,
} from "../../../functions/core/plan/segment-cache-key.js";
import { IMAGE, project, SOURCES, VIDEO, VOICE } from "./plan-fixtures.js";

const H = (c: string) => c.repeat(64);
const body = (color = "#ff0000", second: Record<string, unknown> = {}) => ({
  width: 320,
  height: 240,
  fps: 25,
  scenes: [
    { duration: 1, "background-color": color, elements: [{ type: "image", src: IMAGE, x: 10, y: 20 }] },
    {
      duration: 1.5,
      elements: [
        { type: "video", src: VIDEO, ...second },
        { type: "audio", src: VOICE },
        { type: "subtitles", words: [{ word: "hi", start: 0.1, end: 0.5 }] },
      ],
    },
  ],
});

/** The fixture sources moved into another work directory. */
function sourcesIn(dir: string): Map<string, SourceInfo> {
  return new Map(
    [...SOURCES].map(([src, info]) => [src, { ...info, path: info.path.replace("/work/job-1", dir) }]),
  );
}

function keysOf(
  raw: unknown,
  opts: { dir?: string; preset?: string; hashes?: Record<string, string>; caption?: string | null } = {},
): { keys: (string | undefined)[]; plan: RenderPlan } {
  const dir = opts.dir ?? "/work/job-1";
  const sources = sourcesIn(dir);
  const p = project(raw);
  const captions =
    opts.caption === null
      ? []
      : [
          {
            sceneIndex: 1,
            element: "scenes[1].elements[2]",
            words: [{ word: opts.caption ?? "hi", start: 0.1, end: 0.5 }],
          },
        ];
  const encoder = { preset: opts.preset ?? "veryfast", crf: 23 };
  const plan = buildRenderPlan(p, sources, { workDir: dir, encoder, captions });
  const hashes = new Map<string, string>();
  for (const [src, info] of sources)
    hashes.set(info.path, opts.hashes?.[src] ?? H(src.length.toString(16)[0]!));
  const keys = plan.scenes.map((scene) => {
    const portable = portableSegment(scene.command, dir, hashes);
    return portable
      ? segmentKey({
          segment: portable,
          encoder,
          frame: { width: plan.width, height: plan.height },
          fps: plan.fps,
          frames: scene.frames,
        })
      : undefined;
  });
  return { keys, plan };
}

describe("segment cache key", () => {
  it("is a sha256 and stable for the same inputs", () => {
    const a = keysOf(body()).keys;
    const b = keysOf(body()).keys;
    expect(a).toEqual(b);
    for (const k of a) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(segmentCacheKey(a[0]!)).toBe(`cache/segments/${a[0]}.mp4`);
    expect(new Set(a).size).toBe(2);
  });

  it("does not depend on the work directory", () => {
    expect(keysOf(body(), { dir: "/tmp/job-XYZ-abc123" }).keys).toEqual(keysOf(body()).keys);
  });

  it("changes only for the scene that changed", () => {
    const [a0, a1] = keysOf(body()).keys;
    const [b0, b1] = keysOf(body("#00ff00")).keys;
    expect(b0).not.toBe(a0);
    expect(b1).toBe(a1);
    const [c0, c1] = keysOf(body("#ff0000", { x: 5 })).keys;
    expect(c0).toBe(a0);
    expect(c1).not.toBe(a1);
  });

  it("changes when a source's content changes, not when only its URL's local name does", () => {
    const [a0, a1] = keysOf(body()).keys;
    const [b0, b1] = keysOf(body(), { hashes: { [IMAGE]: H("e") } }).keys;
    expect(b0).not.toBe(a0);
    expect(b1).toBe(a1);
  });

  it("changes with the encoder settings and the captions' content", () => {
    const [a0, a1] = keysOf(body()).keys;
    const [b0, b1] = keysOf(body(), { preset: "ultrafast" }).keys;
    expect(b0).not.toBe(a0);
    expect(b1).not.toBe(a1);
    const [, c1] = keysOf(body(), { caption: "hello" }).keys;
    expect(c1).not.toBe(a1);
  });

  it("does not depend on the scene's position when nothing global reaches it", () => {
    const scene = { duration: 1, "background-color": "#123456", elements: [{ type: "image", src: IMAGE }] };
    const filler = { duration: 2, elements: [{ type: "audio", src: VOICE }] };
    const first = keysOf({ width: 320, height: 240, scenes: [scene, filler] }, { caption: null }).keys[0];
    const second = keysOf({ width: 320, height: 240, scenes: [filler, scene] }, { caption: null }).keys[1];
    expect(second).toBe(first);
  });

  it("refuses a command that reads an unhashed file of the work directory", () => {
    const { plan } = keysOf(body());
    const cmd = plan.scenes[0]!.command;
    expect(portableSegment(cmd, "/work/job-1", new Map())).toBeUndefined();
  });

  it("materialises back into a runnable command in another folder", () => {
    const { plan } = keysOf(body());
    const hashes = new Map([...SOURCES].map(([, info]) => [info.path, H("a")]));
    hashes.set(SOURCES.get(VIDEO)!.path, H("b"));
    const scene = plan.scenes[1]!;
    const portable = portableSegment(scene.command, "/work/job-1", hashes)!;
    expect(portable.sources).toEqual([H("b")]);
    expect(portable.args.join(" ")).not.toContain("/work/job-1");
    const cmd = materialiseSegment(
      portable,
      "/tmp/seg-1",
      "/tmp/seg-1/out.mp4",
      (h) => `/tmp/seg-1/src-${h[0]}`,
    );
    expect(cmd.output).toBe("/tmp/seg-1/out.mp4");
    expect(cmd.args.at(-1)).toBe("/tmp/seg-1/out.mp4");
    expect(cmd.args).toContain("/tmp/seg-1/src-b");
    expect(cmd.files).toHaveLength(1);
    expect(cmd.files[0]!.path).toBe("/tmp/seg-1/seg-file-0.ass");
    expect(cmd.args.join(" ")).toContain("subtitles=filename=/tmp/seg-1/seg-file-0.ass");
    expect(cmd.files[0]!.content).toBe(scene.command.files[0]!.content);
  });
});
