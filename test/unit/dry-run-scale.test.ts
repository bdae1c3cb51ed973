import { describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { dryRun } from "../../functions/core/jobs/dry-run.js";
import type { SourceProbe } from "../../functions/core/ports/source-prober.js";

const config = loadConfig({
  VIDEOCRAFT_BUCKET: "videocraft-test",
  VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
  VIDEOCRAFT_API_KEY: "k".repeat(20),
  VIDEOCRAFT_LOCAL_ALLOWED_DIR: "/media",
  VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: "1MB",
});

/** A probe that records what it was asked and answers from a table. */
function fakeProbe(answer: (src: string) => SourceProbe) {
  const asked: string[][] = [];
  return {
    asked,
    probe: async (srcs: readonly string[]) => {
      asked.push([...srcs]);
      return new Map(srcs.map((s) => [s, answer(s)]));
    },
  };
}

const many = (n: number, src: (i: number) => string) => ({
  scenes: Array.from({ length: n / 100 }, (_, s) => ({
    duration: 1,
    elements: Array.from({ length: 100 }, (_, i) => ({ type: "image", src: src(s * 100 + i) })),
  })),
});

const still = (sizeBytes: number): SourceProbe => ({
  status: "probed",
  sizeBytes,
  bytesRead: sizeBytes,
  info: {
    path: "",
    format: "png_pipe",
    durationSeconds: undefined,
    hasVideo: true,
    hasAudio: false,
    width: 10,
    height: 10,
    isStill: true,
  },
});

describe("dry run of a large request", () => {
  it("probes one local file once, however many query strings name it", async () => {
    const { asked, probe } = fakeProbe(() => still(100));
    const result = await dryRun(
      many(1000, (i) => `file:///media/a.png?n=${i}`),
      config,
      probe,
    );
    expect(asked).toEqual([["file:///media/a.png?n=0"]]);
    expect(result.projects[0]?.sources.every((s) => s.status === "probed")).toBe(true);
  });

  it("lists the first 100 problems of 20,000 uses of a failing source and says how many more", async () => {
    const { asked, probe } = fakeProbe(() => ({
      status: "failed",
      bytesRead: 0,
      failure: { code: "SOURCE_UNREACHABLE", message: "https://e.com/a.png answered HTTP 404" },
    }));
    const result = await dryRun(
      many(20_000, () => "https://e.com/a.png"),
      config,
      probe,
    );
    const project = result.projects[0]!;
    expect(asked).toEqual([["https://e.com/a.png"]]);
    expect(project.problems).toHaveLength(100);
    expect(project.problems[99]?.path).toBe("scenes[0].elements[99].src");
    expect(project.notes).toContain("19900 more problems not listed");
    expect(project.sources[0]?.paths).toHaveLength(20_000);
  });

  it("reports sources that together pass VIDEOCRAFT_MAX_JOB_SOURCE_BYTES at the one that crosses it", async () => {
    const { probe } = fakeProbe(() => still(400 * 1024));
    const result = await dryRun(
      {
        scenes: [
          {
            duration: 1,
            elements: ["a", "b", "c", "a"].map((n) => ({ type: "image", src: `https://e.com/${n}.png` })),
          },
        ],
      },
      config,
      probe,
    );
    expect(result.projects[0]?.problems.map((p) => `${p.code}@${p.path}`)).toEqual([
      "SOURCE_TOO_LARGE@scenes[0].elements[2].src",
    ]);
    expect(result.projects[0]?.problems[0]?.message).toMatch(/VIDEOCRAFT_MAX_JOB_SOURCE_BYTES/);
  });
});
