import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { encodeWavPcm } from "../../functions/render/speech/wav-pcm.js";

const run = promisify(execFile);

/**
 * Narration with known word start times, for alignment tests and the alignment benchmark.
 *
 * espeak-ng speaks each piece of a script (one word, a phrase, or a whole paragraph of continuous
 * speech); the pieces' silent edges are trimmed and they are joined with known gaps. Inside a piece
 * the truth is espeak-ng's own word events (libespeak-ng reports when each word starts in the audio
 * it generates), read through a small C helper compiled once into `.cache/`. A word that follows
 * silence starts where its sound begins, since an aligner cannot see the pause before it. espeak-ng
 * runs some unstressed words into the one before ("From the" is one word event): those tokens have
 * no truth and are left out of the error figures.
 */
export interface GroundTruthToken {
  /** What the script (and the caption) shows, e.g. "$4.50". */
  show: string;
  /** What the voice says instead, e.g. "four dollars fifty"; default: `show` as espeak-ng reads it. */
  say?: string;
}

export interface GroundTruthPiece {
  /** espeak-ng voice, with an optional variant: "en-us", "en-us+f3", "en" (British). */
  voice: string;
  /** Words per minute. */
  rate: number;
  tokens: readonly (string | GroundTruthToken)[];
}

export interface GroundTruthScript {
  name: string;
  /** The subtitles element's `language`, for scripts that are not English. */
  language?: string;
  pieces: readonly GroundTruthPiece[];
  /** Silence between pieces, seconds, used in turn. */
  gaps?: readonly number[];
}

export interface GroundTruth {
  /** The script as the subtitles element's `text`: every token's `show`, space-separated (Chinese: joined). */
  text: string;
  /** One per token of `text`; `start` undefined where espeak-ng reported no event of its own. */
  truth: { word: string; start: number | undefined }[];
  /** The narration: 16-bit mono WAV at espeak-ng's rate. */
  wavPath: string;
  duration: number;
}

const HELPER_SOURCE = resolve(import.meta.dirname, "espeak-word-events.c");
const CACHE_DIR = resolve(import.meta.dirname, "../../.cache/espeak-word-events");
/** Samples quieter than this are silence (espeak-ng's pauses are digital zero). */
const SILENCE = 300;
const LEAD_SECONDS = 0.4;
const TAIL_SECONDS = 0.5;

/** The compiled helper, built on first use (needs a C compiler and libespeak-ng-dev). */
export async function ensureEspeakWordEvents(): Promise<string> {
  const source = await readFile(HELPER_SOURCE);
  const key = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const binary = join(CACHE_DIR, `espeak-word-events-${key}`);
  const built = await access(binary).then(
    () => true,
    () => false,
  );
  if (!built) {
    await mkdir(CACHE_DIR, { recursive: true });
    const tmp = `${binary}.${process.pid}.tmp`;
    await run("cc", ["-O2", "-o", tmp, HELPER_SOURCE, "-lespeak-ng"]).catch((e: Error) => {
      throw new Error(
        `cannot build the espeak-ng word-event helper (needs cc and libespeak-ng-dev: bash scripts/ensure-system-deps.sh): ${e.message}`,
      );
    });
    await rename(tmp, binary);
  }
  return binary;
}

interface Synthesis {
  rate: number;
  samples: Int16Array;
  /** Word events: start in seconds and the 1-based character range of the word in the text. */
  events: { start: number; position: number }[];
}

async function synthesise(helper: string, voice: string, rate: number, text: string, raw: string) {
  const { stdout } = await run(helper, [voice, String(rate), raw, text]);
  let sampleRate = 0;
  const events: Synthesis["events"] = [];
  for (const line of stdout.split("\n")) {
    const [kind, a, b] = line.split(" ");
    if (kind === "rate") sampleRate = Number(a);
    if (kind === "word") events.push({ start: Number(a) / 1000, position: Number(b) });
  }
  const bytes = await readFile(raw);
  const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  return { rate: sampleRate, samples: Int16Array.from(samples), events } satisfies Synthesis;
}

/** Text without spaces between words (Chinese) is joined without one, as it is written. */
const joiner = (next: string) => (/^\p{Script=Han}/u.test(next) ? "" : " ");

const isSilent = (s: Int16Array, from: number, to: number) => {
  for (let i = Math.max(0, from); i < Math.min(s.length, to); i++)
    if (Math.abs(s[i] ?? 0) >= SILENCE) return false;
  return true;
};

/** Builds the narration and its truth for `script` in `dir` (the WAV is named after the script). */
export async function buildGroundTruth(script: GroundTruthScript, dir: string): Promise<GroundTruth> {
  const helper = await ensureEspeakWordEvents();
  const parts: Int16Array[] = [];
  const truth: GroundTruth["truth"] = [];
  let rate = 0;
  let at = 0;
  const slug = script.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  for (const [p, piece] of script.pieces.entries()) {
    const tokens = piece.tokens.map((t) => (typeof t === "string" ? { show: t } : t));
    // Where each token's spoken text sits in the text espeak-ng reads (1-based, inclusive).
    let said = "";
    const spans = tokens.map((t) => {
      if (said) said += joiner(t.say ?? t.show);
      const from = said.length + 1;
      said += t.say ?? t.show;
      return { from, to: said.length };
    });
    const s = await synthesise(helper, piece.voice, piece.rate, said, join(dir, `${slug}-${p}.raw`));
    if (rate === 0) {
      rate = s.rate;
      parts.push(new Int16Array(Math.round(LEAD_SECONDS * rate)));
      at = parts[0]?.length ?? 0;
    }
    if (s.rate !== rate) throw new Error(`voice ${piece.voice} speaks at ${s.rate} Hz, not ${rate}`);
    let first = 0;
    while (first < s.samples.length && Math.abs(s.samples[first] ?? 0) < SILENCE) first++;
    let last = s.samples.length - 1;
    while (last > first && Math.abs(s.samples[last] ?? 0) < SILENCE) last--;
    const pauseSamples = Math.round(0.02 * rate);
    tokens.forEach((t, i) => {
      const span = spans[i];
      const event = s.events.find((e) => span && e.position >= span.from && e.position <= span.to);
      if (!event) {
        truth.push({ word: t.show, start: undefined });
        return;
      }
      let sample = Math.round(event.start * rate);
      if (isSilent(s.samples, sample - pauseSamples, sample)) {
        while (sample < s.samples.length && Math.abs(s.samples[sample] ?? 0) < SILENCE) sample++;
      }
      truth.push({ word: t.show, start: (at + Math.max(sample, first) - first) / rate });
    });
    parts.push(s.samples.subarray(first, last + 1));
    at += last + 1 - first;
    const gaps = script.gaps ?? [0.25];
    const gap = Math.round((gaps[p % gaps.length] ?? 0.25) * rate);
    parts.push(new Int16Array(p === script.pieces.length - 1 ? Math.round(TAIL_SECONDS * rate) : gap));
    at += parts[parts.length - 1]?.length ?? 0;
  }
  const all = new Int16Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    all.set(x, o);
    o += x.length;
  }
  const wavPath = join(dir, `${slug}.wav`);
  await writeFile(wavPath, encodeWavPcm({ rate, samples: all }));
  return {
    text: script.pieces
      .flatMap((pc) => pc.tokens.map((t) => (typeof t === "string" ? t : t.show)))
      .reduce((text, t) => (text ? text + joiner(t) + t : t), ""),
    truth,
    wavPath,
    duration: all.length / rate,
  };
}

export interface StartErrors {
  mean: number;
  p90: number;
  max: number;
  /** The token with the largest error. */
  worst: string;
  /** Tokens with a truth (the others are not counted). */
  counted: number;
}

/** Word-start errors of `words` (one per truth token, same order) against the truth, seconds. */
export function startErrors(
  words: readonly { word: string; start: number }[],
  truth: GroundTruth["truth"],
): StartErrors {
  if (words.length !== truth.length) {
    throw new Error(`aligned ${words.length} words for ${truth.length} script tokens`);
  }
  const errors = truth.flatMap((t, i) =>
    t.start === undefined
      ? []
      : [{ word: t.word, error: Math.abs((words[i]?.start ?? Number.NaN) - t.start) }],
  );
  const sorted = errors.map((e) => e.error).sort((a, b) => a - b);
  const max = sorted[sorted.length - 1] ?? 0;
  return {
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p90: sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)] ?? 0,
    max,
    worst: errors.find((e) => e.error === max)?.word ?? "",
    counted: sorted.length,
  };
}

const say = (show: string, spoken: string): GroundTruthToken => ({ show, say: spoken });
const words = (text: string) => text.split(" ");

/**
 * The ground-truth set: joined words and phrases in several voices and rates, continuous speech at
 * an ordinary and a slow rate, and numbers, years, percentages, currency and times both as
 * espeak-ng reads them and as people say them.
 */
export const GROUND_TRUTH_SCRIPTS: readonly GroundTruthScript[] = [
  {
    name: "joined words, three voices",
    pieces: words(
      "Every morning the old keeper climbs Zorblax tower to light the lamp, before the fishing boats return from the sea.",
    ).map((w, i) => ({
      voice: ["en-us", "en-us+f3", "en"][i % 3] ?? "en-us",
      rate: [160, 175, 145][i % 3] ?? 160,
      tokens: [w],
    })),
    gaps: [0.08, 0.15, 0.25, 0.12, 0.3],
  },
  {
    name: "joined phrases with numbers",
    pieces: [
      "In 2023",
      "prices rose 37%",
      "to $4.50 a loaf,",
      "the 21st rise",
      "since 1999.",
      "The shop opens at 7:30",
      "on May 3rd",
      "and sells 1,250 loaves.",
    ].map((phrase, i) => ({
      voice: ["en-us", "en-us+f3", "en-us+m3"][i % 3] ?? "en-us",
      rate: [160, 150, 175][i % 3] ?? 160,
      tokens: words(phrase),
    })),
    gaps: [0.2, 0.35, 0.15],
  },
  {
    name: "continuous, 160 wpm",
    pieces: [
      {
        voice: "en-us",
        rate: 160,
        tokens: words(
          "From the top he can see the fishing boats leave the harbour, one after another, while the gulls circle above the waves. In winter the wind is so strong that the whole tower seems to sway.",
        ),
      },
    ],
  },
  {
    name: "continuous, slow (120 wpm)",
    pieces: [
      {
        voice: "en-us",
        rate: 120,
        tokens: words(
          "Stand with your feet apart and let the weight of your body rest on your heels. Breathe in slowly, hold it for a moment, and then let it go.",
        ),
      },
    ],
  },
  {
    name: "continuous, slow (120 wpm), espeak-ng's default voice",
    pieces: [
      {
        voice: "en",
        rate: 120,
        tokens: words(
          "Lie down on your back and let your arms rest at your sides. Feel the weight of your body pressing into the floor. Breathe in through your nose, slowly, and hold it for a moment.",
        ),
      },
    ],
  },
  {
    name: "continuous numbers, espeak-ng's reading",
    pieces: [
      {
        voice: "en-us+f3",
        rate: 160,
        tokens: words(
          "In 2023 the price of bread rose 37% to $4.50, the 21st rise since 1999, and the bakery now opens at 7:30 on the 3rd of May.",
        ),
      },
    ],
  },
  {
    name: "numbers as people say them, slow (120 wpm)",
    pieces: [
      {
        voice: "en-us",
        rate: 120,
        tokens: [
          "In",
          say("2023", "twenty twenty three"),
          "the",
          "price",
          "rose",
          say("37%", "thirty seven percent"),
          "to",
          say("$4.50,", "four dollars fifty,"),
          "the",
          say("21st", "twenty first"),
          "rise",
          "since",
          say("1999.", "nineteen ninety nine."),
          "We",
          "open",
          "at",
          say("7:30", "seven thirty"),
          "a.m.",
          "on",
          say("Dr.", "Doctor"),
          "Smith's",
          "day",
          "off.",
        ],
      },
    ],
  },
];

/**
 * Scripts in languages the forced aligner has no pronunciations for: timed from a recogniser's words
 * when one understands the language, else spread over the stretches of speech.
 */
export const OTHER_LANGUAGE_SCRIPTS: readonly GroundTruthScript[] = [
  {
    name: "German, continuous (150 wpm)",
    language: "de",
    pieces: [
      {
        voice: "de",
        rate: 150,
        tokens: words(
          "Jeden Morgen steigt der alte Wärter die schmale Treppe hinauf, um die große Lampe zu putzen. Von oben sieht er die Fischerboote den Hafen verlassen.",
        ),
      },
    ],
  },
  {
    name: "Chinese phrases, continuous",
    language: "zh",
    pieces: [
      {
        voice: "cmn",
        rate: 150,
        tokens: ["今天天气很好，", "我们去公园散步。", "公园里有很多人，", "有的在跑步，", "有的在唱歌。"],
      },
    ],
  },
];
