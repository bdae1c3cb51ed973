import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { JobFailure } from "../../core/errors.js";

/**
 * Which ffmpeg demuxer reads a source, decided from its first bytes (never from its name, which
 * the client chose). Only single-file containers and codecs are on the list: ffmpeg's playlist,
 * manifest and script demuxers (HLS, DASH, concat, image sequences…) open other files or URLs
 * named inside the source, which would let a request read files it was never allowed to name.
 * Every ffprobe and ffmpeg run on a source passes the demuxer found here with `-f`, so ffmpeg's
 * own format guessing never runs, plus `-protocol_whitelist file` (see `sourceInputArgs`).
 */

export type SniffResult = { ok: true; demuxer: string } | { ok: false; reason: string };

/** Enough for every signature below, and for an ID3 tag in front of most MP3 frames. */
const SNIFF_BYTES = 64 * 1024;

const SUPPORTED =
  "MP4/MOV, Matroska/WebM, AVI, MPEG-TS, MP3, AAC (ADTS), WAV, AIFF, Ogg, FLAC, PNG, JPEG, WebP, GIF or BMP";

/** Box types an ISO base media (MP4, MOV, M4A, 3GP) or QuickTime file starts with. */
const ISO_FIRST_BOXES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"]);
/** BITMAPINFOHEADER and its successors: the size field that follows a BMP's file header. */
const BMP_DIB_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

export function sniffMediaFormat(head: Uint8Array): SniffResult {
  if (head.length === 0) return refused("the file is empty");
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString("latin1");
  const at = (i: number) => head[i] ?? -1;

  const text = leadingText(head);
  if (text.startsWith("#EXTM3U"))
    return refused("an HLS playlist, which names other files; give the media file");
  if (text.startsWith("<?xml") || text.startsWith("<MPD")) {
    return refused("an XML document such as a DASH manifest, which names other files; give the media file");
  }
  if (text.startsWith("ffconcat")) return refused("an ffconcat script, which names other files");

  if (ISO_FIRST_BOXES.has(ascii(4, 8))) return found("mov");
  if (at(0) === 0x1a && at(1) === 0x45 && at(2) === 0xdf && at(3) === 0xa3) return found("matroska");
  const riffForm = ["RIFF", "RF64", "BW64"].includes(ascii(0, 4)) ? ascii(8, 12) : "";
  if (riffForm === "WAVE") return found("wav");
  if (ascii(0, 4) === "RIFF" && riffForm === "AVI ") return found("avi");
  if (ascii(0, 4) === "RIFF" && riffForm === "WEBP") return found("webp_pipe");
  if (ascii(0, 4) === "FORM" && ["AIFF", "AIFC"].includes(ascii(8, 12))) return found("aiff");
  if (ascii(0, 4) === "OggS") return found("ogg");
  if (ascii(0, 4) === "fLaC") return found("flac");
  if (at(0) === 0x89 && ascii(1, 8) === "PNG\r\n\x1a\n") return found("png_pipe");
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return found("jpeg_pipe");
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return found("gif");
  if (ascii(0, 2) === "BM" && head.length >= 18 && BMP_DIB_SIZES.has(readUint32LE(head, 14))) {
    return found("bmp_pipe");
  }
  if (isTransportStream(head)) return found("mpegts");
  if (ascii(0, 3) === "ID3") return afterId3(head);
  const audio = mpegAudioFrame(head);
  if (audio) return found(audio);
  return refused(`not a supported single-file media format (${SUPPORTED})`);
}

/** Reads the first bytes of a local file and sniffs them; anything not on the list is SOURCE_INVALID_MEDIA. */
export async function readMediaFormat(path: string): Promise<string> {
  // Non-blocking, so a FIFO swapped in for the file cannot hang the open; it fails the isFile check.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new JobFailure("SOURCE_UNREACHABLE", "not a regular file");
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    const result = sniffMediaFormat(buffer.subarray(0, bytesRead));
    if (!result.ok) throw new JobFailure("SOURCE_INVALID_MEDIA", result.reason);
    return result.demuxer;
  } finally {
    await handle.close();
  }
}

/**
 * An ID3v2 tag (size in its header, 7 bits a byte) sits in front of MP3 and sometimes AAC or FLAC.
 * A tag longer than the head (cover art) hides what follows; by far most such files are MP3.
 */
function afterId3(head: Uint8Array): SniffResult {
  if (head.length < 10) return refused(`not a supported single-file media format (${SUPPORTED})`);
  const size =
    ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const footer = (head[5]! & 0x10) !== 0 ? 10 : 0;
  const rest = head.subarray(10 + size + footer);
  if (rest.length < 4) return found("mp3");
  if (Buffer.from(rest.subarray(0, 4)).toString("latin1") === "fLaC") return found("flac");
  return found(mpegAudioFrame(rest) ?? "mp3");
}

/** An MPEG audio frame header: ADTS (AAC) when the layer bits are 0, else MP1/2/3. */
function mpegAudioFrame(head: Uint8Array): "aac" | "mp3" | undefined {
  const [b0 = 0, b1 = 0, b2 = 0] = head;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  if ((b1 & 0xf6) === 0xf0) return "aac";
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  const rate = (b2 >> 2) & 3;
  if (version === 1 || layer === 0 || bitrate === 15 || rate === 3) return undefined;
  return "mp3";
}

/** Three packets in a row, 188 bytes apart (192 for M2TS, whose packets carry a 4-byte prefix). */
function isTransportStream(head: Uint8Array): boolean {
  return [
    [0, 188],
    [4, 192],
  ].some(([first = 0, size = 0]) => [0, 1, 2].every((k) => head[first + k * size] === 0x47));
}

/** The start of the file as text, past a UTF-8 byte-order mark and leading whitespace. */
function leadingText(head: Uint8Array): string {
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (start < head.length && [0x09, 0x0a, 0x0d, 0x20].includes(head[start]!)) start++;
  return Buffer.from(head.subarray(start, start + 32)).toString("latin1");
}

function readUint32LE(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;
}

const found = (demuxer: string): SniffResult => ({ ok: true, demuxer });
const refused = (reason: string): SniffResult => ({ ok: false, reason });
