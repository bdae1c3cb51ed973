import { spawn } from "node:child_process";
import { CAPTION_ROWS, exec, FRAME } from "./bench-env.js";

/** SSIM (`All`) and PSNR (average, dB) of one region of a video against a reference. */
export interface RegionQuality {
  ssim: number | null;
  psnr: number | null;
}

/** A render's quality against the lossless render of the same plan, the captions' rows apart. */
export interface VideoQuality {
  /** The frame above the caption rows. */
  picture: RegionQuality;
  /** The bottom CAPTION_ROWS rows, where both plans draw their captions. */
  captions: RegionQuality;
}

/**
 * Compares `output` with `reference` frame by frame in one region (ffmpeg's `ssim` and `psnr`
 * filters on cropped copies of both).
 */
async function regionQuality(output: string, reference: string, crop: string): Promise<RegionQuality> {
  const graph =
    `[0:v]${crop},split=2[a1][a2];[1:v]${crop},split=2[b1][b2];` +
    "[a1][b1]ssim=shortest=1;[a2][b2]psnr=shortest=1";
  const { stderr } = await exec(
    "nice",
    [
      "-n",
      "10",
      "ffmpeg",
      "-hide_banner",
      "-nostdin",
      "-i",
      output,
      "-i",
      reference,
      "-lavfi",
      graph,
      "-f",
      "null",
      "-",
    ],
    { maxBuffer: 64 * 2 ** 20 },
  );
  const ssim = /SSIM .*All:([\d.]+)/.exec(stderr)?.[1];
  const psnr = /PSNR .*average:([\d.]+|inf)/.exec(stderr)?.[1];
  return {
    ssim: ssim ? Number(ssim) : null,
    psnr: psnr === undefined ? null : psnr === "inf" ? Number.POSITIVE_INFINITY : Number(psnr),
  };
}

export async function videoQuality(output: string, reference: string): Promise<VideoQuality> {
  const { width, height } = FRAME;
  const above = height - CAPTION_ROWS;
  return {
    picture: await regionQuality(output, reference, `crop=${width}:${above}:0:0`),
    captions: await regionQuality(output, reference, `crop=${width}:${CAPTION_ROWS}:0:${above}`),
  };
}

/** Decoded samples of a file's audio as 48 kHz stereo floats. */
async function samples(path: string): Promise<Float32Array> {
  const child = spawn("ffmpeg", ["-v", "error", "-i", path, "-f", "f32le", "-ac", "2", "-ar", "48000", "-"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  return new Float32Array(all.buffer, all.byteOffset, Math.floor(all.byteLength / 4));
}

/**
 * Signal-to-noise ratio (dB) of an encoded soundtrack against the uncompressed one: the energy of
 * the reference over the energy of the difference, sample for sample (both decoders drop the
 * encoder's priming, so the two line up).
 */
export async function audioSnr(encoded: string, reference: string): Promise<number | null> {
  const [x, ref] = await Promise.all([samples(encoded), samples(reference)]);
  const n = Math.min(x.length, ref.length);
  if (n === 0) return null;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const r = ref[i] ?? 0;
    const d = (x[i] ?? 0) - r;
    signal += r * r;
    noise += d * d;
  }
  return noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
}
