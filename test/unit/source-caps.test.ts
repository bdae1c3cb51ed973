import { describe, expect, it } from "vitest";
import { toApiError } from "../../functions/api/api-error.js";
import { ConfigError, loadConfig } from "../../functions/core/config.js";
import { validateRequestBody } from "../../functions/core/jobs/validate-request.js";
import { sourceIdentity } from "../../functions/core/schema/source-policy.js";

const env = {
  VIDEOCRAFT_BUCKET: "videocraft-test",
  VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
  VIDEOCRAFT_API_KEY: "k".repeat(20),
  VIDEOCRAFT_LOCAL_ALLOWED_DIR: "/media",
};

describe("per-job source caps in the config", () => {
  it("defaults to 500 distinct sources, 4 GiB fetched and 2.5 GiB of ffmpeg memory (a 3 GB Lambda)", () => {
    const c = loadConfig(env);
    expect(c.maxSourcesPerJob).toBe(500);
    expect(c.maxJobSourceBytes).toBe(4 * 1024 ** 3);
    expect(c.ffmpeg.maxMemoryBytes).toBe(2.5 * 1024 ** 3);
  });

  it("reads sizes and counts, and names a bad variable", () => {
    const c = loadConfig({
      ...env,
      VIDEOCRAFT_MAX_SOURCES_PER_JOB: "3",
      VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: "100KB",
      VIDEOCRAFT_FFMPEG_MAX_MEMORY: "512MB",
    });
    expect([c.maxSourcesPerJob, c.maxJobSourceBytes, c.ffmpeg.maxMemoryBytes]).toEqual([
      3,
      100 * 1024,
      512 * 1024 ** 2,
    ]);
    expect(() => loadConfig({ ...env, VIDEOCRAFT_MAX_SOURCES_PER_JOB: "0" })).toThrow(
      /VIDEOCRAFT_MAX_SOURCES_PER_JOB/,
    );
    expect(() => loadConfig({ ...env, VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: "lots" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, VIDEOCRAFT_FFMPEG_MAX_MEMORY: "32MB" })).toThrow(
      /VIDEOCRAFT_FFMPEG_MAX_MEMORY/,
    );
  });
});

describe("sourceIdentity", () => {
  const policy = { bucket: "videocraft-test", allowHttp: false, localAllowedDir: "/media" };
  it("is the resolved path for file:// (query strings and fragments ignored)", () => {
    const ids = [
      "file:///media/a.png",
      "file:///media/a.png?n=1",
      "file:///media/./x/../a.png#f",
      "file:///media//a.png?2",
    ].map((s) => sourceIdentity(s, policy));
    expect(new Set(ids).size).toBe(1);
  });

  it("keeps https query strings (they choose the content) and tells buckets' keys apart", () => {
    expect(sourceIdentity("https://cdn.example.com/a.png?v=1", policy)).not.toBe(
      sourceIdentity("https://cdn.example.com/a.png?v=2", policy),
    );
    expect(sourceIdentity("s3://videocraft-test/uploads/a.png", policy)).not.toBe(
      sourceIdentity("s3://videocraft-test/uploads/b.png", policy),
    );
  });
});

describe("VIDEOCRAFT_MAX_SOURCES_PER_JOB at submission", () => {
  const config = loadConfig({ ...env, VIDEOCRAFT_MAX_SOURCES_PER_JOB: "3" });
  const body = (srcs: string[]) => ({
    scenes: [
      { duration: 1, elements: srcs.slice(0, 2).map((src) => ({ type: "image", src })) },
      { duration: 1, elements: srcs.slice(2).map((src) => ({ type: "image", src })) },
    ],
  });
  const refusal = (srcs: string[]) => {
    try {
      validateRequestBody(body(srcs), config);
      return "accepted";
    } catch (e) {
      const err = toApiError(e);
      if (!err) throw e;
      return `${err.statusCode} ${err.code} ${err.details?.map((d) => `${d.path}: ${d.message}`).join("; ")}`;
    }
  };

  it("refuses the first source past the cap, naming its path and the cap", () => {
    expect(
      refusal([
        "https://e.com/1.png",
        "https://e.com/2.png",
        "https://e.com/1.png",
        "https://e.com/3.png",
        "https://e.com/4.png",
      ]),
    ).toMatch(
      /^400 VALIDATION_FAILED scenes\[1\]\.elements\[2\]\.src: .*more than 3 distinct sources.*VIDEOCRAFT_MAX_SOURCES_PER_JOB/,
    );
  });

  it("counts one local file once whatever its query string", () => {
    expect(
      refusal([
        "file:///media/a.png?1",
        "file:///media/a.png?2",
        "file:///media/a.png?3",
        "file:///media/a.png?4",
      ]),
    ).toBe("accepted");
  });

  it("counts every project of an array request on its own", () => {
    const three = body(["https://e.com/1.png", "https://e.com/2.png", "https://e.com/3.png"]);
    expect(() => validateRequestBody([three, three], config)).not.toThrow();
  });
});
