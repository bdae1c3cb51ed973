import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ProbedVideo {
  duration: number;
  streams: {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    r_frame_rate?: string;
  }[];
}

export async function ffprobe(path: string): Promise<ProbedVideo> {
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    "-print_format",
    "json",
    "-show_format",
    "-show_streams",
    path,
  ]);
  const json = JSON.parse(stdout) as { format: { duration: string }; streams: ProbedVideo["streams"] };
  return { duration: Number(json.format.duration), streams: json.streams };
}

/** One decoded frame at `seconds` as packed RGB, with a pixel reader. */
export async function grabFrame(path: string, seconds: number) {
  return decodeFrame(path, ["-ss", String(seconds), "-i", path]);
}

/**
 * The frame numbered `index` (from 0, in decoding order), whatever its timestamp: where a test
 * means one exact frame, a seek that rounds to its neighbour would pass or fail by luck.
 */
export async function grabFrameNumber(path: string, index: number) {
  return decodeFrame(path, ["-i", path, "-vf", `select=eq(n\\,${index})`]);
}

async function decodeFrame(path: string, input: string[]) {
  const probe = await ffprobe(path);
  const v = probe.streams.find((s) => s.codec_type === "video");
  if (!v?.width || !v.height) throw new Error("no video stream");
  const { width, height } = v;
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", ...input, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
  );
  if (stdout.length < width * height * 3) throw new Error(`no frame decoded from ${path}`);
  return {
    width,
    height,
    pixel(x: number, y: number): [number, number, number] {
      const i = (y * width + x) * 3;
      return [stdout[i] ?? -1, stdout[i + 1] ?? -1, stdout[i + 2] ?? -1];
    },
  };
}

/** True when two colours are within `tolerance` per channel (H.264 4:2:0 shifts colours a little). */
export function near(
  actual: [number, number, number],
  expected: [number, number, number],
  tolerance = 28,
): boolean {
  return actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= tolerance);
}

/** Mean volume in dBFS of the audio between `from` and `from + seconds`. */
export async function meanVolume(path: string, from: number, seconds: number): Promise<number> {
  const { stderr } = await run("ffmpeg", [
    "-hide_banner",
    "-ss",
    String(from),
    "-t",
    String(seconds),
    "-i",
    path,
    "-vn",
    "-af",
    "volumedetect",
    "-f",
    "null",
    "-",
  ]);
  const m = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!m?.[1]) throw new Error("volumedetect printed no mean volume");
  return m[1] === "-inf" ? Number.NEGATIVE_INFINITY : Number(m[1]);
}
