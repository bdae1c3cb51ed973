/** 16-bit PCM samples of a mono WAV file and their rate. */
export interface Pcm {
  rate: number;
  samples: Int16Array;
}

/**
 * Where a WAV's chunks lie: the offset of its `fmt ` chunk and of the first `data` chunk's bytes
 * (cut to the bytes the file really has); either absent when the file has none before the data.
 */
export function wavChunks(wav: Uint8Array): {
  view: DataView;
  fmt?: number;
  data?: { at: number; bytes: number };
} {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
  let fmt: number | undefined;
  for (let at = 12; at + 8 <= wav.byteLength; ) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === "fmt ") fmt = at;
    if (tag(at) === "data") {
      const data = { at: at + 8, bytes: Math.min(size, wav.byteLength - at - 8) };
      return fmt === undefined ? { view, data } : { view, fmt, data };
    }
    at += 8 + size + (size % 2);
  }
  return fmt === undefined ? { view } : { view, fmt };
}

/**
 * Reads the `fmt ` and `data` chunks of a 16-bit PCM WAV (what `extractSpeechAudio` writes: 16 kHz
 * mono). Multi-channel audio is read as its first channel.
 */
export function readWavPcm(wav: Uint8Array): Pcm {
  const { view, fmt, data } = wavChunks(wav);
  const channels = fmt === undefined ? 1 : Math.max(1, view.getUint16(fmt + 10, true));
  const rate = fmt === undefined ? 0 : view.getUint32(fmt + 12, true);
  if (!data) return { rate, samples: new Int16Array(0) };
  const count = Math.floor(data.bytes / (2 * channels));
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(data.at + 2 * channels * i, true);
  return { rate, samples };
}

/** 16-bit mono PCM WAV bytes. */
export function encodeWavPcm({ rate, samples }: Pcm): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVE", 8);
  h.write("fmt ", 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
