import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * SSIM of every frame pair of two videos of equal size, in frame order (ffmpeg's `ssim` stats);
 * `shift` pairs each frame of `a` with the one `shift` frames later in `b`.
 */
export async function ssimPerFrame(a: string, b: string, o: { shift?: number } = {}): Promise<number[]> {
  const later = o.shift ? `trim=start_frame=${o.shift},setpts=PTS-STARTPTS` : "null";
  const { stdout } = await run(
    "ffmpeg",
    [
      "-hide_banner",
      "-nostdin",
      "-i",
      a,
      "-i",
      b,
      "-lavfi",
      `[1:v]${later}[b];[0:v][b]ssim=stats_file=-`,
      "-f",
      "null",
      "-",
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split("\n")
    .map((line) => /All:([\d.]+)/.exec(line)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}

/** Frames decoded from the first video stream (not the container's claim). */
export async function countFrames(path: string): Promise<number> {
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "default=nw=1:nk=1",
    path,
  ]);
  return Number(stdout.trim());
}

/** Duration in seconds of each stream of a file, by codec type (`video`, `audio`). */
export async function streamDurations(path: string): Promise<Record<string, number>> {
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_type,duration",
    "-of",
    "json",
    path,
  ]);
  const { streams } = JSON.parse(stdout) as { streams: { codec_type: string; duration: string }[] };
  return Object.fromEntries(streams.map((s) => [s.codec_type, Number(s.duration)]));
}
