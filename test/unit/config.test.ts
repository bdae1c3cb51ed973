import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../functions/core/config.js";

const base = {
  VIDEOCRAFT_BUCKET: "my-bucket",
  VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123/render",
  VIDEOCRAFT_API_KEY: "k".repeat(20),
};

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig(base);
    expect(c.ffmpeg).toMatchObject({ preset: "veryfast", crf: 23, timeoutSeconds: 900 });
    expect(c.maxSourceBytes).toBe(2 * 1024 ** 3);
    expect(c.retentionDays).toBe(7);
    expect(c.allowPrivateSources).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("matches x264's threads to the vCPUs this process sees, unless VIDEOCRAFT_FFMPEG_THREADS says", () => {
    expect(loadConfig(base, { cores: 2 }).ffmpeg.threads).toBe(2);
    expect(loadConfig(base, { cores: 6 }).ffmpeg.threads).toBe(6);
    expect(loadConfig({ ...base, VIDEOCRAFT_FFMPEG_THREADS: "3" }, { cores: 6 }).ffmpeg.threads).toBe(3);
    expect(() => loadConfig({ ...base, VIDEOCRAFT_FFMPEG_THREADS: "0" })).toThrow(
      /VIDEOCRAFT_FFMPEG_THREADS/,
    );
  });

  it("reads Go-style durations and sizes", () => {
    const c = loadConfig({
      ...base,
      VIDEOCRAFT_FFMPEG_TIMEOUT: "2h",
      VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "512MB",
    });
    expect(c.ffmpeg.timeoutSeconds).toBe(7200);
    expect(c.maxSourceBytes).toBe(512 * 1024 ** 2);
  });

  it("fails naming every invalid variable", () => {
    try {
      loadConfig({
        ...base,
        VIDEOCRAFT_FFMPEG_PRESET: "warp",
        VIDEOCRAFT_FFMPEG_QUALITY: "99",
        VIDEOCRAFT_QUEUE_URL: "",
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain("VIDEOCRAFT_FFMPEG_PRESET");
      expect(msg).toContain("VIDEOCRAFT_FFMPEG_QUALITY");
      expect(msg).toContain("VIDEOCRAFT_QUEUE_URL");
    }
  });

  it("requires an API key unless API Gateway does auth", () => {
    const { VIDEOCRAFT_API_KEY: _k, ...noKey } = base;
    expect(() => loadConfig(noKey)).toThrow(/VIDEOCRAFT_API_KEY/);
    expect(loadConfig({ ...noKey, VIDEOCRAFT_AUTH: "gateway" }).auth).toBe("gateway");
  });

  it("takes more keys from VIDEOCRAFT_API_KEYS, naming a short one", () => {
    const c = loadConfig({ ...base, VIDEOCRAFT_API_KEYS: `${"a".repeat(16)}, ${"b".repeat(16)}` });
    expect(c.apiKeys).toEqual(["k".repeat(20), "a".repeat(16), "b".repeat(16)]);
    expect(c.apiKey).toBe("k".repeat(20));
    expect(() => loadConfig({ ...base, VIDEOCRAFT_API_KEYS: "short" })).toThrow(/VIDEOCRAFT_API_KEYS/);
    const { VIDEOCRAFT_API_KEY: _k, ...noKey } = base;
    expect(loadConfig({ ...noKey, VIDEOCRAFT_API_KEYS: "a".repeat(16) }).apiKey).toBe("a".repeat(16));
  });

  it("reads VideoCraft's names for our settings; ours win when both are set", () => {
    const { VIDEOCRAFT_API_KEY: _k, ...noKey } = base;
    const c = loadConfig({
      ...noKey,
      VIDEOCRAFT_SECURITY_API_KEY: "v".repeat(20),
      VIDEOCRAFT_SECURITY_ALLOWED_DOMAINS: "localhost:3000, https://app.example.com",
      VIDEOCRAFT_FFMPEG_BINARY_PATH: "/opt/ffmpeg",
      VIDEOCRAFT_STORAGE_TEMP_DIR: "/scratch",
    });
    expect(c.apiKey).toBe("v".repeat(20));
    expect(c.corsOrigins).toEqual([
      "https://localhost:3000",
      "http://localhost:3000",
      "https://app.example.com",
    ]);
    expect(c.ffmpeg.path).toBe("/opt/ffmpeg");
    expect(c.workDir).toBe("/scratch");
    expect(loadConfig({ ...base, VIDEOCRAFT_SECURITY_API_KEY: "v".repeat(20) }).apiKey).toBe("k".repeat(20));
  });

  it("refuses VideoCraft's switches it cannot honour, naming them", () => {
    expect(() => loadConfig({ ...base, VIDEOCRAFT_SECURITY_ENABLE_AUTH: "false" })).toThrow(
      /VIDEOCRAFT_SECURITY_ENABLE_AUTH/,
    );
    expect(() => loadConfig({ ...base, VIDEOCRAFT_SECURITY_ENABLE_CSRF: "true" })).toThrow(
      /VIDEOCRAFT_SECURITY_CSRF_SECRET/,
    );
    const csrf = loadConfig({
      ...base,
      VIDEOCRAFT_SECURITY_ENABLE_CSRF: "true",
      VIDEOCRAFT_SECURITY_CSRF_SECRET: "s".repeat(32),
    }).csrf;
    expect(csrf).toEqual({ required: true, secret: "s".repeat(32) });
  });
});
