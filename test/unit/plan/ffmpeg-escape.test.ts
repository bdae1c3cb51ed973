import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { concatListLine, ffmpegColor, num } from "../../../functions/core/plan/ffmpeg-escape.js";

describe("num", () => {
  it("writes plain decimals ffmpeg can parse, never exponents", () => {
    expect(num(2)).toBe("2");
    expect(num(1.5)).toBe("1.5");
    expect(num(10)).toBe("10");
    expect(num(61 / 30)).toBe("2.033333");
    expect(num(1e-7)).toBe("0");
    expect(num(-0.25)).toBe("-0.25");
  });

  it("refuses NaN, infinities and huge values instead of writing them into a graph", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1e21]) expect(() => num(bad)).toThrow();
  });
});

describe("ffmpegColor", () => {
  it("turns #RRGGBB and #RRGGBBAA into 0xRRGGBB", () => {
    expect(ffmpegColor("#1a2b3c")).toBe("0x1A2B3C");
    expect(ffmpegColor("#1A2B3C80")).toBe("0x1A2B3C");
  });

  it("refuses anything else, so no text can break out of the lavfi graph", () => {
    for (const bad of ["red", "#123", "#12345g", "#123456:s=1x1", "0x123456", "#123456'"]) {
      expect(() => ffmpegColor(bad)).toThrow();
    }
  });
});

describe("concatListLine", () => {
  it("quotes a path and escapes a single quote the way ffmpeg's tokenizer reads it", () => {
    expect(concatListLine("/tmp/a b/seg.mp4")).toBe("file '/tmp/a b/seg.mp4'");
    expect(concatListLine("/tmp/it's/seg.mp4")).toBe("file '/tmp/it'\\''s/seg.mp4'");
  });

  it("round-trips through a shell-style reading of the quoting (same rules as av_get_token)", () => {
    // sh and ffmpeg agree on '…' literal + \' outside quotes; use sh as an independent reader.
    const path = "/tmp/it's a 'test'/seg.mp4";
    const quoted = concatListLine(path).slice("file ".length);
    expect(execFileSync("sh", ["-c", `printf %s ${quoted}`]).toString()).toBe(path);
  });

  it("refuses line breaks, which would end the directive", () => {
    expect(() => concatListLine("/tmp/a\nfile '/etc/passwd'")).toThrow();
  });
});
