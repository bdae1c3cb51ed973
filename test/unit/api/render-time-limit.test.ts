import { describe, expect, it } from "vitest";
import { createTestApi } from "./test-api.js";

/** A plain 1080p30 scene of `seconds` (the estimate: 3 s + 0.4 s per second on 3008 MB). */
const scene = (seconds: number, id?: string) => ({
  ...(id ? { id } : {}),
  duration: seconds,
  elements: [{ type: "image", src: "https://example.com/a.png" }],
});
const FANOUT = { VIDEOCRAFT_ASSEMBLY_QUEUE_URL: "http://127.0.0.1:1/assembly.fifo" };

describe("work a render invocation cannot finish inside its timeout", () => {
  it("is refused at submit with 422, the scene's path and the estimate; nothing is stored or queued", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: { scenes: [scene(3000, "long")] },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
    expect(res.json.error.details).toHaveLength(1);
    const [detail] = res.json.error.details;
    expect(detail.path).toBe("scenes[0]");
    // 3 + 3000 × 0.4 = 1203 s against 80% of 900 s.
    expect(detail.message).toContain('scene "long" (3000 s)');
    expect(detail.message).toContain("about 1203 s");
    expect(detail.message).toContain("720 s (80% of the 900 s render timeout)");
    expect(api.queue.messages).toEqual([]);
    expect((await api.store.list("jobs/")).keys).toEqual([]);
  });

  it("is listed in the dry run's problems with code TIMEOUT", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: { scenes: [scene(3000)] },
    });
    expect(res.status).toBe(200);
    const [project] = res.json.projects;
    expect(project.estimate.render_seconds).toBeCloseTo(1203, 0);
    const timeouts = project.problems.filter((p: { code: string }) => p.code === "TIMEOUT");
    expect(timeouts).toEqual([
      { path: "scenes[0]", code: "TIMEOUT", message: expect.stringContaining("about 1203 s") },
    ]);
  });

  it("accepts the same scene on a function with more memory", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_RENDER_MEMORY_MB: "10240" } });
    const res = await api.call({ method: "POST", path: "/v1/videos", body: { scenes: [scene(3000)] } });
    expect(res.status).toBe(202);
  });

  it("with fan-out splits a long scene into chunks instead of refusing it; without, checks the whole job", async () => {
    const body = { scenes: [scene(600), scene(600), scene(600), scene(600)] };
    const split = createTestApi({ env: FANOUT });
    expect((await split.call({ method: "POST", path: "/v1/videos", body })).status).toBe(202);

    const whole = createTestApi();
    const refused = await whole.call({ method: "POST", path: "/v1/videos", body });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details).toEqual([
      { path: "scenes", message: expect.stringContaining("the job (2400 s, rendered in one invocation)") },
    ]);

    // A scene estimated far past the limit is chunked, any length up to the configured maximum.
    for (const scenes of [[scene(60), scene(2000, "middle"), scene(60)], [scene(3600, "hour")]]) {
      const accepted = await split.call({ method: "POST", path: "/v1/videos", body: { scenes } });
      expect(accepted.status).toBe(202);
    }
    const dry = await split.call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: { scenes: [scene(3600)] },
    });
    expect(dry.json.projects[0].problems.filter((p: { code: string }) => p.code === "TIMEOUT")).toEqual([]);
  });

  it("with fan-out still refuses what chunking cannot shorten: speech recognition of the whole video, done once", async () => {
    const captioned = (seconds: number) => ({
      scenes: [
        {
          duration: seconds,
          elements: [{ type: "audio", src: "https://example.com/voice.mp3" }, { type: "subtitles" }],
        },
      ],
    });
    const small = createTestApi({ env: { ...FANOUT, VIDEOCRAFT_RENDER_MEMORY_MB: "1769" } });
    const refused = await small.call({ method: "POST", path: "/v1/videos", body: captioned(3600) });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details).toEqual([
      { path: "scenes", message: expect.stringContaining("preparing the 3600 s video (speech recognition") },
    ]);
    // The same video with its caption words given needs no recognition: accepted.
    const given = captioned(3600);
    given.scenes[0]!.elements[1] = { type: "subtitles", words: [{ word: "hi", start: 0, end: 1 }] } as never;
    expect((await small.call({ method: "POST", path: "/v1/videos", body: given })).status).toBe(202);
  });

  it("names the project in a batch", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: [{ scenes: [scene(5)] }, { scenes: [scene(3000)] }],
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toEqual(["[1].scenes[0]"]);
  });
});

describe("motion on pictures in the estimate", () => {
  it("adds 1.2 s per second at 1080p30: a scene that fits still, refused once it moves", async () => {
    const api = createTestApi();
    const still = { scenes: [scene(500, "ken-burns")] };
    const moving = {
      scenes: [
        {
          ...scene(500, "ken-burns"),
          elements: [{ type: "image", src: "https://example.com/a.png", animation: { type: "zoom-in" } }],
        },
      ],
    };
    // 3 + 500 × 0.4 = 203 s fits 720 s; 3 + 500 × (0.4 + 1.2) = 803 s does not.
    expect((await api.call({ method: "POST", path: "/v1/videos", body: still })).status).toBe(202);
    const res = await api.call({ method: "POST", path: "/v1/videos", body: moving });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].message).toContain("about 803 s");
  });
});
