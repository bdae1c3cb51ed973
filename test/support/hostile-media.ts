import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { crc32, deflateSync } from "node:zlib";

const run = promisify(execFile);

/**
 * A decompression bomb: a valid PNG that declares width×height pixels (1-bit grey, all black)
 * yet is only a few KB, because rows of zeros deflate about 1000:1.
 */
export async function writePngBomb(path: string, width: number, height: number): Promise<void> {
  const row = Buffer.alloc(1 + Math.ceil(width / 8)); // filter byte 0, then zero bits
  const raw = Buffer.alloc(row.length * height);
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  await writeFile(
    path,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(raw, { level: 9 })),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

/** Silence of any length as FLAC, which stores constant samples in a few bytes per block (4 h ≈ 1 MB). */
export async function writeLongSilence(path: string, seconds: number): Promise<void> {
  await run("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", "-y"],
    ...["-f", "lavfi", "-i", "anullsrc=r=1000:cl=mono", "-t", String(seconds)],
    ...["-c:a", "flac", path],
  ]);
}

/** A WAV with a header and no samples: 0 s of audio. */
export async function writeEmptyWav(path: string): Promise<void> {
  await run("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", "-y"],
    ...["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "0", "-c:a", "pcm_s16le", path],
  ]);
}

/** The first `fraction` of a file: an MP4 cut before its index (moov) is unreadable. */
export async function writeTruncated(from: string, to: string, fraction = 0.5): Promise<void> {
  const bytes = await readFile(from);
  await writeFile(to, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}
