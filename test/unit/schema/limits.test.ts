import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../functions/core/config.js";
import { DEFAULT_LIMITS, HARD_LIMITS, resolveLimits } from "../../../functions/core/schema/limits.js";
import {
  MAX_REPORTED_ISSUES,
  parseProjectRequest,
} from "../../../functions/core/schema/parse-project-request.js";

const base = {
  VIDEOCRAFT_BUCKET: "my-bucket",
  VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123/render",
  VIDEOCRAFT_API_KEY: "k".repeat(20),
};
const scene = (duration: number) => ({ duration, elements: [{ type: "image", src: "https://e.com/a.png" }] });
const paths = (r: ReturnType<typeof parseProjectRequest>) => (r.ok ? [] : r.issues.map((i) => i.path));

describe("project limits from config", () => {
  it("defaults to the documented values", () => {
    expect(loadConfig(base).limits).toEqual({
      maxScenes: 200,
      maxElementsPerScene: 100,
      maxVideoSeconds: 3600,
      maxLongSide: 3840,
      maxShortSide: 2160,
      maxSourcePixels: 8192 * 8192,
    });
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
  });

  it("reads every VIDEOCRAFT_MAX_* variable", () => {
    const c = loadConfig({
      ...base,
      VIDEOCRAFT_MAX_SCENES: "3",
      VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE: "4",
      VIDEOCRAFT_MAX_VIDEO_SECONDS: "10m",
      VIDEOCRAFT_MAX_RESOLUTION: "720x1280",
      VIDEOCRAFT_MAX_SOURCE_PIXELS: "4096x4096",
    });
    expect(c.limits).toEqual({
      maxScenes: 3,
      maxElementsPerScene: 4,
      maxVideoSeconds: 600,
      maxLongSide: 1280,
      maxShortSide: 720,
      maxSourcePixels: 4096 * 4096,
    });
  });

  it.each([
    ["VIDEOCRAFT_MAX_SCENES", "201"],
    ["VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE", "0"],
    ["VIDEOCRAFT_MAX_VIDEO_SECONDS", "5h"],
    ["VIDEOCRAFT_MAX_RESOLUTION", "7680x4320"],
    ["VIDEOCRAFT_MAX_RESOLUTION", "big"],
    ["VIDEOCRAFT_MAX_SOURCE_PIXELS", "1e9"],
  ])("refuses %s=%s naming the variable", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });

  it("never lets a limit pass the schema's hard cap", () => {
    expect(resolveLimits({ maxScenes: 10_000, maxVideoSeconds: 1e9 })).toMatchObject({
      maxScenes: HARD_LIMITS.maxScenes,
      maxVideoSeconds: HARD_LIMITS.maxVideoSeconds,
    });
  });
});

describe("parseProjectRequest with limits", () => {
  const limits = {
    maxScenes: 2,
    maxElementsPerScene: 1,
    maxVideoSeconds: 10,
    maxLongSide: 640,
    maxShortSide: 360,
  };

  it("names the field that passes each limit", () => {
    const body = {
      resolution: "1280x720",
      scenes: [scene(6), { ...scene(6), elements: [...scene(1).elements, ...scene(1).elements] }, scene(1)],
    };
    expect(paths(parseProjectRequest(body, { maxProjects: 1, limits }))).toEqual([
      "resolution",
      "scenes",
      "scenes[1].elements",
      "scenes[1].duration",
    ]);
  });

  it("counts audio durations given in the request towards the length", () => {
    const body = {
      resolution: "640x360",
      scenes: [{ elements: [{ type: "audio", src: "https://e.com/a.wav", start: 2, duration: 9 }] }],
    };
    expect(paths(parseProjectRequest(body, { maxProjects: 1, limits }))).toEqual(["scenes[0]"]);
  });

  it("lists at most MAX_REPORTED_ISSUES problems and says how many more there were", () => {
    const body = { scenes: Array.from({ length: 200 }, () => ({ duration: 1, elements: [{ type: "x" }] })) };
    const r = parseProjectRequest(body, { maxProjects: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(r.issues.at(-1)).toEqual({ path: "", message: "100 more problems not listed" });
  });

  it("names a __proto__ key as unknown instead of letting it set the prototype", () => {
    const body = JSON.parse(`{"__proto__": {"scenes": [${JSON.stringify(scene(1))}]}}`);
    expect(paths(parseProjectRequest(body, { maxProjects: 1 }))).toContain("__proto__");
  });
});
