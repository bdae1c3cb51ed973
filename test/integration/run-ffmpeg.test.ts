import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobFailure } from "../../functions/core/errors.js";
import type { FfmpegCommand } from "../../functions/core/plan/render-plan.js";
import { runFfmpeg } from "../../functions/render/pipeline/run-ffmpeg.js";
import { childProcesses, isLiveChild } from "../support/child-processes.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-ffmpeg-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const testPattern = (seconds: number, output: string, size = "320x240"): FfmpegCommand => ({
  args: [
    "-hide_banner",
    "-nostdin",
    "-y",
    "-loglevel",
    "error",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=s=${size}:r=25:d=${seconds}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    output,
  ],
  output,
  durationSeconds: seconds,
  files: [],
});

async function failureOf(p: Promise<unknown>): Promise<JobFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof JobFailure) return e;
    throw e;
  }
  throw new Error("expected a JobFailure");
}

describe("runFfmpeg", () => {
  it("reports increasing progress from -progress and ends at 1", async () => {
    const seen: number[] = [];
    const out = join(dir, "ok.mp4");
    await runFfmpeg(testPattern(4, out), {
      ffmpegPath: "ffmpeg",
      timeoutMs: 60_000,
      onProgress: (f) => seen.push(f),
    });
    expect((await stat(out)).size).toBeGreaterThan(1000);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(1);
  });

  it("writes the command's files before running it", async () => {
    const list = join(dir, "list.txt");
    const out = join(dir, "from-list.mp4");
    const first = join(dir, "part.mp4");
    await runFfmpeg(testPattern(1, first), { ffmpegPath: "ffmpeg", timeoutMs: 60_000 });
    await runFfmpeg(
      {
        args: ["-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", out],
        output: out,
        durationSeconds: 1,
        files: [{ path: list, content: `file '${first}'\n` }],
      },
      { ffmpegPath: "ffmpeg", timeoutMs: 60_000 },
    );
    expect((await stat(out)).size).toBeGreaterThan(1000);
  });

  it("kills ffmpeg past its timeout and fails with TIMEOUT", async () => {
    const started = Date.now();
    const failure = await failureOf(
      runFfmpeg(testPattern(600, join(dir, "slow.mp4"), "1920x1080"), {
        ffmpegPath: "ffmpeg",
        timeoutMs: 500,
      }),
    );
    expect(failure.code).toBe("TIMEOUT");
    expect(failure.message).toBe("ffmpeg ran longer than 1 s");
    // The time is the behaviour here: 10 minutes of 1080p would take far longer than this bound,
    // which only has to leave room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(childProcesses("ffmpeg")).toEqual([]);
  });

  it("kills ffmpeg when the job is cancelled", async () => {
    const controller = new AbortController();
    let encoder: number | undefined;
    const failure = await failureOf(
      runFfmpeg(testPattern(600, join(dir, "cancel.mp4"), "1920x1080"), {
        ffmpegPath: "ffmpeg",
        timeoutMs: 600_000,
        signal: controller.signal,
        // Cancelled once ffmpeg reports encoding, so the kill meets a running encoder.
        onProgress: () => {
          if (encoder !== undefined) return;
          encoder = childProcesses("ffmpeg")[0];
          controller.abort();
        },
      }),
    );
    expect(failure.code).toBe("CANCELLED");
    expect(encoder).toBeDefined();
    expect(isLiveChild(encoder!)).toBe(false);
  });

  it("turns a non-zero exit into RENDER_FAILED with ffmpeg's message", async () => {
    const failure = await failureOf(
      runFfmpeg(
        {
          args: ["-loglevel", "error", "-i", join(dir, "missing.mp4"), join(dir, "x.mp4")],
          output: "",
          durationSeconds: 1,
          files: [],
        },
        { ffmpegPath: "ffmpeg", timeoutMs: 10_000 },
      ),
    );
    expect(failure.code).toBe("RENDER_FAILED");
    expect(failure.message).toMatch(/missing\.mp4|No such file/);
  });

  it("fails with RENDER_FAILED when ffmpeg exits 0 without writing its output", async () => {
    // A one-frame video seeked past its only frame: ffmpeg writes nothing and still succeeds.
    const one = join(dir, "one-frame.mp4");
    await runFfmpeg(
      {
        ...testPattern(0.04, one),
        args: [...testPattern(0.04, one).args.slice(0, -1), "-frames:v", "1", one],
      },
      { ffmpegPath: "ffmpeg", timeoutMs: 60_000 },
    );
    const poster = join(dir, "never.jpg");
    const failure = await failureOf(
      runFfmpeg(
        {
          args: ["-y", "-loglevel", "error", "-ss", "0.5", "-i", one, "-frames:v", "1", poster],
          output: poster,
          durationSeconds: 0,
          files: [],
        },
        { ffmpegPath: "ffmpeg", timeoutMs: 60_000 },
      ),
    );
    expect(failure.code).toBe("RENDER_FAILED");
    expect(failure.message).toMatch(/wrote no output/);
  });

  it("reports a missing ffmpeg binary as RENDER_FAILED", async () => {
    const failure = await failureOf(
      runFfmpeg(testPattern(1, join(dir, "n.mp4")), { ffmpegPath: "/nonexistent/ffmpeg", timeoutMs: 1000 }),
    );
    expect(failure.code).toBe("RENDER_FAILED");
  });
});
