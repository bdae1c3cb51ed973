import { describe, expect, it } from "vitest";
import { sniffMediaFormat } from "../../functions/render/pipeline/media-format.js";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const riff = (tag: string, form: string) => bytes(tag, [0x24, 0, 0, 0], form, "fmt ");
const box = (type: string) => bytes([0, 0, 0, 0x20], type, "isom", [0, 0, 2, 0]);
/** Three MPEG-TS packets: sync byte every 188 bytes. */
const ts = () => {
  const b = Buffer.alloc(188 * 3, 0xff);
  for (let i = 0; i < 3; i++) b[i * 188] = 0x47;
  return b;
};
const id3 = (size: number, after: Buffer) => {
  const header = bytes(
    "ID3",
    [4, 0, 0],
    [(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f],
  );
  return Buffer.concat([header, Buffer.alloc(size), after]);
};
const mp3Frame = bytes([0xff, 0xfb, 0x90, 0x64], new Array(200).fill(0));
const adtsFrame = bytes([0xff, 0xf1, 0x50, 0x80], new Array(200).fill(0));
const bmp = () => {
  const b = Buffer.alloc(64);
  b.write("BM", 0, "latin1");
  b.writeUInt32LE(40, 14);
  return b;
};

describe("sniffMediaFormat", () => {
  it.each([
    ["MP4 (ftyp)", box("ftyp"), "mov"],
    ["QuickTime without ftyp (moov first)", box("moov"), "mov"],
    ["QuickTime (wide atom first)", box("wide"), "mov"],
    ["Matroska/WebM (EBML)", bytes([0x1a, 0x45, 0xdf, 0xa3], "....webm"), "matroska"],
    ["AVI", riff("RIFF", "AVI "), "avi"],
    ["WAV", riff("RIFF", "WAVE"), "wav"],
    ["RF64 WAV", riff("RF64", "WAVE"), "wav"],
    ["WebP", riff("RIFF", "WEBP"), "webp_pipe"],
    ["AIFF", bytes("FORM", [0, 0, 0, 8], "AIFF"), "aiff"],
    ["Ogg", bytes("OggS", [0, 2]), "ogg"],
    ["FLAC", bytes("fLaC", [0, 0, 0, 0x22]), "flac"],
    ["MP3 frame", mp3Frame, "mp3"],
    ["MP3 with an ID3 tag", id3(100, mp3Frame), "mp3"],
    ["MP3 whose ID3 tag is longer than the head", id3(500_000, Buffer.alloc(0)), "mp3"],
    ["FLAC behind an ID3 tag", id3(50, bytes("fLaC", [0, 0, 0, 0x22])), "flac"],
    ["AAC (ADTS)", adtsFrame, "aac"],
    ["AAC (ADTS) behind an ID3 tag", id3(20, adtsFrame), "aac"],
    ["PNG", bytes([0x89], "PNG\r\n\x1a\n", [0, 0, 0, 13], "IHDR"), "png_pipe"],
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0]), "jpeg_pipe"],
    ["GIF87a", bytes("GIF87a"), "gif"],
    ["GIF89a", bytes("GIF89a"), "gif"],
    ["BMP", bmp(), "bmp_pipe"],
    ["MPEG-TS", ts(), "mpegts"],
  ])("%s → %s", (_what, head, demuxer) => {
    expect(sniffMediaFormat(head)).toEqual({ ok: true, demuxer });
  });

  it.each([
    ["an HLS playlist", bytes("#EXTM3U\n#EXT-X-VERSION:3\n"), /HLS playlist/],
    [
      "an HLS playlist after a BOM and blank lines",
      bytes([0xef, 0xbb, 0xbf], "\r\n #EXTM3U\n"),
      /HLS playlist/,
    ],
    [
      "a DASH manifest",
      bytes('<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">'),
      /DASH manifest/,
    ],
    ["a bare MPD element", bytes('<MPD type="static">'), /DASH manifest/],
    ["an ffconcat script", bytes("ffconcat version 1.0\nfile 'a.mp4'\n"), /concat script/],
    ["an SDP description", bytes("v=0\no=- 0 0 IN IP4 127.0.0.1\n"), /not a supported/],
    ["plain text", bytes("hello, this is not a video\n"), /not a supported/],
    ["an empty file", Buffer.alloc(0), /empty/],
    ["a lone 0x47 (not three TS packets)", bytes([0x47], new Array(400).fill(0)), /not a supported/],
    ["BM without a DIB header", bytes("BM this is text"), /not a supported/],
    ["RIFF of another form", riff("RIFF", "CDXA"), /not a supported/],
  ])("refuses %s", (_what, head, message) => {
    const r = sniffMediaFormat(head);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(message);
  });
});
