import { createHash } from "node:crypto";
import { mkdir, open, rename, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/**
 * Writes a random-weight whisper model in the ggml file layout that whisper.cpp's
 * `models/convert-pt-to-ggml.py` produces and `whisper_model_load` (src/whisper.cpp) reads:
 *
 *   int32 magic 0x67676d6c ("ggml")
 *   int32 × 11 hparams: n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
 *                       n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
 *   int32 n_mel, int32 n_fft (201), float32[n_mel × n_fft] mel filters
 *   int32 token count, then per token: int32 length, bytes
 *   per tensor: int32 n_dims, int32 name length, int32 type (0 f32, 1 f16),
 *               int32 ne[n_dims] (ggml order: fastest-varying first), name bytes, data
 *
 * Vocabulary: English-only n_vocab 51864 (as tiny.en: the file lists 50256 text tokens), or with
 * `multilingual` n_vocab 51865 (as tiny: 50257 text tokens, special tokens one id later, 99 language
 * tokens); the loader adds the special, language and timestamp tokens itself. Text tokens are
 * synthetic (" w0", " w1", …; the blank " " sits at GPT-2's id 220 because the decoder looks it up
 * by name).
 * Tensor names and shapes come from the hyper-parameters exactly as the loader checks them.
 *
 * Weights are deterministic random, with one piece of structure so that the real decoder produces
 * a short, well-formed transcript instead of looping: each decoder position embedding points at the
 * token-embedding row of the token to emit there (the output projection is tied to the token
 * embedding), and the decoder blocks' residual outputs are damped. Per 8 positions the model says
 * `<|0.00|> alpha bravo charlie delta echo <|T|> <|endoftext|>` (T = `segmentSeconds`, 2 s for the
 * test model), so each window whisper decodes yields `TEST_MODEL_WORDS` spread over its first T
 * seconds. A multilingual model's prompt is three tokens (start, language, task) instead of one, so
 * its pattern starts two positions later. The encoder is fully random and really runs.
 * This proves the wiring (load, mel, encode, decode, timestamps, JSON), not accuracy.
 */
export interface TinyWhisperDims {
  nAudioCtx: number;
  nAudioState: number;
  nAudioHead: number;
  nAudioLayer: number;
  nTextCtx: number;
  nTextHead: number;
  nTextLayer: number;
  nMels: number;
  /** Store matrices as float16 like the released models (whisper.cpp's CPU conv needs f16 weights). */
  f16: boolean;
  seed: number;
  /**
   * Where each decoded window's closing timestamp falls, seconds (≤ 30): whisper then moves on by
   * this much. 2 s keeps tests short; ~28 s mimics a real model's pace through long audio.
   */
  segmentSeconds: number;
  /** A multilingual vocabulary (language tokens, `-l auto` detection), as tiny/base/small. */
  multilingual?: boolean;
}

/** Small and fast: enough to exercise load, encode, decode and timestamps in well under a second. */
export const TEST_MODEL_DIMS: TinyWhisperDims = {
  nAudioCtx: 1500,
  nAudioState: 64,
  nAudioHead: 2,
  nAudioLayer: 1,
  nTextCtx: 448,
  nTextHead: 2,
  nTextLayer: 1,
  nMels: 80,
  f16: true,
  seed: 1,
  segmentSeconds: 2,
};

/** The test model with a multilingual vocabulary, as the released tiny/base/small have. */
export const TEST_MULTILINGUAL_MODEL_DIMS: TinyWhisperDims = { ...TEST_MODEL_DIMS, multilingual: true };

/** The dimensions (and so the encoder compute) of the released tiny.en, with random weights. */
export const TINY_EN_DIMS: TinyWhisperDims = {
  nAudioCtx: 1500,
  nAudioState: 384,
  nAudioHead: 6,
  nAudioLayer: 4,
  nTextCtx: 448,
  nTextHead: 6,
  nTextLayer: 4,
  nMels: 80,
  f16: true,
  seed: 1,
  segmentSeconds: 28,
};

const N_FFT = 201;
const BLANK_TOKEN_ID = 220;

/** Vocabulary size, text tokens in the file and the special token ids whisper.cpp derives from them. */
function vocabulary(d: TinyWhisperDims) {
  // English-only: whisper.cpp's whisper_vocab defaults; multilingual: end-of-text and everything
  // after it one id later (a 99-language model's language tokens push the timestamps one further).
  return d.multilingual
    ? { nVocab: 51865, textTokens: 50257, eot: 50257, beg: 50364, promptTokens: 3 }
    : { nVocab: 51864, textTokens: 50256, eot: 50256, beg: 50363, promptTokens: 1 };
}

/** The words the generated model speaks, in order, in every window it decodes. */
export const TEST_MODEL_WORDS = ["alpha", "bravo", "charlie", "delta", "echo"] as const;
const WORD_TOKEN_IDS = TEST_MODEL_WORDS.map((_, i) => 1001 + i);
/**
 * Token emitted at decoder position p (mod 8): timestamp 0.00, five words, closing timestamp, end —
 * starting at the prompt's last position, where the first token is predicted.
 */
function positionTargets(d: TinyWhisperDims): number[] {
  const v = vocabulary(d);
  const closing = v.beg + Math.min(1500, Math.max(1, Math.round(d.segmentSeconds / 0.02)));
  const cycle = [v.beg, ...WORD_TOKEN_IDS, closing, v.eot];
  const shift = v.promptTokens - 1;
  return cycle.map((_, p) => cycle[(p - shift + cycle.length) % cycle.length] ?? v.eot);
}
/** How strongly a position embedding points at its target row (vs. the input token's own row, 1). */
const POSITION_GAIN = 4;
/** Damping of the decoder blocks' residual outputs, so the position pattern dominates. */
const DECODER_OUTPUT_DAMPING = 0.05;
const SAMPLE_RATE = 16000;

interface TensorSpec {
  name: string;
  /** ggml order: ne[0] is the fastest-varying dimension. */
  ne: number[];
  f16: boolean;
  init: "ones" | "zeros" | "random" | "token-embedding" | "position-targets";
  /** Standard deviation of random values. */
  scale?: number;
}

/** Every tensor `whisper_model_load` creates, in the converter's order, with its ggml shape. */
export function tensorSpecs(d: TinyWhisperDims): TensorSpec[] {
  const s = d.nAudioState;
  const w = (name: string, ne: number[], fanIn: number): TensorSpec => ({
    name,
    ne,
    f16: d.f16,
    init: "random",
    scale: 1 / Math.sqrt(fanIn),
  });
  const v = (name: string, n: number, init: "ones" | "zeros" = "zeros"): TensorSpec => ({
    name,
    ne: [n],
    f16: false,
    init,
  });
  const specs: TensorSpec[] = [
    { name: "encoder.positional_embedding", ne: [s, d.nAudioCtx], f16: false, init: "random", scale: 0.02 },
    w("encoder.conv1.weight", [3, d.nMels, s], 3 * d.nMels),
    { name: "encoder.conv1.bias", ne: [1, s], f16: false, init: "zeros" },
    w("encoder.conv2.weight", [3, s, s], 3 * s),
    { name: "encoder.conv2.bias", ne: [1, s], f16: false, init: "zeros" },
  ];
  const block = (prefix: string, cross: boolean): TensorSpec[] => {
    const damp = prefix.startsWith("decoder") ? DECODER_OUTPUT_DAMPING : 1;
    const out = (name: string, ne: number[], fanIn: number): TensorSpec => ({
      ...w(name, ne, fanIn),
      scale: damp / Math.sqrt(fanIn),
    });
    const attn = (a: string, ln: string): TensorSpec[] => [
      w(`${prefix}.${a}.query.weight`, [s, s], s),
      v(`${prefix}.${a}.query.bias`, s),
      w(`${prefix}.${a}.key.weight`, [s, s], s),
      w(`${prefix}.${a}.value.weight`, [s, s], s),
      v(`${prefix}.${a}.value.bias`, s),
      out(`${prefix}.${a}.out.weight`, [s, s], s),
      v(`${prefix}.${a}.out.bias`, s),
      v(`${prefix}.${ln}.weight`, s, "ones"),
      v(`${prefix}.${ln}.bias`, s),
    ];
    return [
      ...attn("attn", "attn_ln"),
      ...(cross ? attn("cross_attn", "cross_attn_ln") : []),
      w(`${prefix}.mlp.0.weight`, [s, 4 * s], s),
      v(`${prefix}.mlp.0.bias`, 4 * s),
      out(`${prefix}.mlp.2.weight`, [4 * s, s], 4 * s),
      v(`${prefix}.mlp.2.bias`, s),
      v(`${prefix}.mlp_ln.weight`, s, "ones"),
      v(`${prefix}.mlp_ln.bias`, s),
    ];
  };
  for (let i = 0; i < d.nAudioLayer; i++) specs.push(...block(`encoder.blocks.${i}`, false));
  specs.push(v("encoder.ln_post.weight", s, "ones"), v("encoder.ln_post.bias", s));
  specs.push(
    { name: "decoder.positional_embedding", ne: [s, d.nTextCtx], f16: false, init: "position-targets" },
    {
      name: "decoder.token_embedding.weight",
      ne: [s, vocabulary(d).nVocab],
      f16: d.f16,
      init: "token-embedding",
    },
  );
  for (let i = 0; i < d.nTextLayer; i++) specs.push(...block(`decoder.blocks.${i}`, true));
  specs.push(v("decoder.ln.weight", s, "ones"), v("decoder.ln.bias", s));
  return specs;
}

/** mulberry32 + Box–Muller: deterministic normal samples. */
function normalSource(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Row `id` of the token embedding: standard normal, seeded per row so other tensors can refer to it. */
function tokenRow(seed: number, id: number, n: number): Float32Array {
  const normal = normalSource(seed * 1_000_003 + id + 17);
  const row = new Float32Array(n);
  for (let i = 0; i < n; i++) row[i] = normal();
  return row;
}

/** float32 → IEEE half (round to nearest), for f16 tensors. */
function toHalf(value: number): number {
  F32[0] = value;
  const x = U32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign; // flush tiny values to ±0
  if (exp >= 31) return sign | 0x7c00;
  const half = sign | (exp << 10) | (mant >>> 13);
  return mant & 0x1000 ? half + 1 : half;
}

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels) with Slaney scale and norm, as whisper's assets. */
export function melFilters(nMels: number): Float32Array {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  const hzToMel = (hz: number) => (hz < minLogHz ? hz / fSp : minLogMel + Math.log(hz / minLogHz) / logStep);
  const melToHz = (mel: number) =>
    mel < minLogMel ? mel * fSp : minLogHz * Math.exp(logStep * (mel - minLogMel));
  const maxMel = hzToMel(SAMPLE_RATE / 2);
  const melF = Array.from({ length: nMels + 2 }, (_, i) => melToHz((maxMel * i) / (nMels + 1)));
  const out = new Float32Array(nMels * N_FFT);
  for (let m = 0; m < nMels; m++) {
    const [lo, mid, hi] = [melF[m] ?? 0, melF[m + 1] ?? 0, melF[m + 2] ?? 0];
    const enorm = 2 / (hi - lo);
    for (let k = 0; k < N_FFT; k++) {
      const f = (k * SAMPLE_RATE) / 2 / (N_FFT - 1);
      const weight = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      out[m * N_FFT + k] = weight * enorm;
    }
  }
  return out;
}

function int32s(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => {
    b.writeInt32LE(v, 4 * i);
  });
  return b;
}

/** Writes the model to `path` (atomically: a temp file renamed into place). */
export async function writeTinyWhisperModel(
  path: string,
  dims: TinyWhisperDims = TEST_MODEL_DIMS,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, "w");
  try {
    const write = async (b: Uint8Array) => {
      await file.write(b);
    };
    const d = dims;
    const v = vocabulary(d);
    await write(
      int32s(
        0x67676d6c,
        v.nVocab,
        d.nAudioCtx,
        d.nAudioState,
        d.nAudioHead,
        d.nAudioLayer,
        d.nTextCtx,
        d.nAudioState,
        d.nTextHead,
        d.nTextLayer,
        d.nMels,
        d.f16 ? 1 : 0,
      ),
    );
    await write(int32s(d.nMels, N_FFT));
    const filters = melFilters(d.nMels);
    await write(new Uint8Array(filters.buffer, filters.byteOffset, filters.byteLength));

    const tokens: Buffer[] = [int32s(v.textTokens)];
    for (let i = 0; i < v.textTokens; i++) {
      // whisper.cpp suppresses the blank token " " by name, so it must exist (GPT-2 id 220).
      const word = TEST_MODEL_WORDS[WORD_TOKEN_IDS.indexOf(i)];
      const text = i === BLANK_TOKEN_ID ? " " : word ? ` ${word}` : ` w${i.toString(36)}`;
      const t = Buffer.from(text, "utf8");
      tokens.push(int32s(t.length), t);
    }
    await write(Buffer.concat(tokens));

    const normal = normalSource(d.seed);
    const targets = positionTargets(d);
    for (const spec of tensorSpecs(d)) {
      const name = Buffer.from(spec.name, "utf8");
      await write(int32s(spec.ne.length, name.length, spec.f16 ? 1 : 0, ...spec.ne));
      await write(name);
      const count = spec.ne.reduce((a, b) => a * b, 1);
      const rowLength = spec.ne[0] ?? 1;
      let row: Float32Array | undefined;
      let rowId = -1;
      const rowOf = (id: number) => {
        if (id !== rowId) {
          row = tokenRow(d.seed, id, rowLength);
          rowId = id;
        }
        return row as Float32Array;
      };
      const value = (i: number): number => {
        switch (spec.init) {
          case "ones":
            return 1;
          case "zeros":
            return 0;
          case "random":
            return normal() * (spec.scale ?? 1);
          case "token-embedding":
            return rowOf(Math.floor(i / rowLength))[i % rowLength] ?? 0;
          case "position-targets": {
            const target = targets[Math.floor(i / rowLength) % targets.length] ?? v.eot;
            return POSITION_GAIN * (rowOf(target)[i % rowLength] ?? 0) + 0.1 * normal();
          }
        }
      };
      const CHUNK = 1 << 18;
      for (let at = 0; at < count; at += CHUNK) {
        const n = Math.min(CHUNK, count - at);
        if (spec.f16) {
          const out = new Uint16Array(n);
          for (let i = 0; i < n; i++) out[i] = toHalf(value(at + i));
          await write(new Uint8Array(out.buffer));
        } else {
          const out = new Float32Array(n);
          for (let i = 0; i < n; i++) out[i] = value(at + i);
          await write(new Uint8Array(out.buffer));
        }
      }
    }
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}

/**
 * The model for `dims`, generated once into `.cache/whisper/test-models/` (git-ignored) and reused:
 * the file name carries a hash of the dimensions and of this generator's layout version.
 */
export async function ensureTinyWhisperModel(
  dims: TinyWhisperDims = TEST_MODEL_DIMS,
  dir = resolve(import.meta.dirname, "../../.cache/whisper/test-models"),
): Promise<string> {
  const key = createHash("sha256")
    .update(JSON.stringify({ v: 2, ...dims }))
    .digest("hex")
    .slice(0, 12);
  const path = join(dir, `ggml-random-${dims.nAudioState}x${dims.nAudioLayer}-${key}.bin`);
  const exists = await stat(path).then(
    (s) => s.size > 0,
    () => false,
  );
  if (!exists) await writeTinyWhisperModel(path, dims);
  return path;
}
