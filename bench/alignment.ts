/**
 * Speech timing benchmark (not a test): seconds of compute per minute of narration for
 *   1. forced alignment of a known script (pocketsphinx, SPEC §7; goal ≤ 1 s per audio minute on 2 cores),
 *   2. whisper.cpp with generated random-weight models: the test model's small dimensions, and
 *      tiny.en's dimensions (so tiny.en's encoder compute; decoding is short by construction).
 * The baseline is the audio itself: each figure is also printed as a real-time factor.
 *
 *   npx tsx bench/alignment.ts [minutes=1]
 *
 * Needs espeak-ng, ffmpeg, pocketsphinx (+ pocketsphinx-en-us) and whisper-cli
 * (`bash scripts/build-whisper.sh`).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { alignScript, DEFAULT_SPHINX_DICT, loadDictionary } from "../functions/render/speech/align-script.js";
import { extractSpeechAudio, wavDurationSeconds } from "../functions/render/speech/extract-speech-audio.js";
import { transcribeWhisper } from "../functions/render/speech/transcribe-whisper.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import { ensureTinyWhisperModel, TEST_MODEL_DIMS, TINY_EN_DIMS } from "../test/support/tiny-whisper-model.js";

const run = promisify(execFile);

const PARAGRAPH =
  "Every morning the old keeper climbs the narrow stairs of the lighthouse to polish the great lamp. " +
  "From the top he can see the fishing boats leave the harbour, one after another, while the gulls circle above the waves. " +
  "In winter the wind is so strong that the whole tower seems to sway, yet the light has never failed in forty years. " +
  "Sailors say that the keeper knows every rock along the coast by name, and that he can tell a storm is coming long before the sky turns grey. " +
  "When the evening comes he writes a few lines in his log book, drinks a cup of tea, and watches the beam sweep across the dark water. ";

/** CPU seconds (user + system) used by this process's finished children (Linux /proc). */
function childCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Timing {
  wall: number;
  cpu: number;
}

async function seconds<T>(f: () => Promise<T>): Promise<[Timing, T]> {
  const t0 = performance.now();
  const c0 = childCpuSeconds();
  const value = await f();
  return [{ wall: (performance.now() - t0) / 1000, cpu: childCpuSeconds() - c0 }, value];
}

function report(label: string, t: Timing, audio: number): void {
  const perMinute = (s: number) => ((s / audio) * 60).toFixed(2);
  console.log(
    `${label.padEnd(44)} wall ${t.wall.toFixed(2).padStart(6)} s, child CPU ${t.cpu.toFixed(2).padStart(6)} s for ${audio.toFixed(1)} s audio → ` +
      `${perMinute(t.wall)} s wall / ${perMinute(t.cpu)} s CPU per audio minute (${(audio / t.wall).toFixed(1)}× real time)`,
  );
}

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? 1);
  const dir = await mkdtemp(join(tmpdir(), "vc-bench-speech-"));
  try {
    // About 150 words a minute at espeak's 160 wpm.
    const words = PARAGRAPH.split(" ").filter(Boolean);
    const script = Array.from({ length: Math.ceil((minutes * 150) / words.length) }, () => PARAGRAPH)
      .join("")
      .split(" ")
      .slice(0, Math.round(minutes * 150))
      .join(" ");
    const source = join(dir, "narration.wav");
    await run("espeak-ng", ["-v", "en-us", "-s", "160", "-w", source, script]);
    const wav = join(dir, "speech.wav");
    await extractSpeechAudio(source, wav, { ffmpegPath: "ffmpeg" });
    const audio = wavDurationSeconds(await readFile(wav));
    console.log(
      `narration: ${script.split(" ").length} words, ${audio.toFixed(1)} s; ${availableParallelism()} CPUs, ` +
        `load average ${loadavg()[0]?.toFixed(1)} (wall times inflate under load; CPU times less so)`,
    );

    const [dictLoad] = await seconds(() => loadDictionary(DEFAULT_SPHINX_DICT));
    console.log(`pronunciation dictionary load (once per process): ${dictLoad.wall.toFixed(2)} s`);
    const [align, aligned] = await seconds(() =>
      alignScript(wav, script, { workDir: dir, audioDuration: audio, timeoutMs: 600_000 }),
    );
    report("forced alignment (pocketsphinx)", align, audio);
    console.log(`  ${aligned.words.length} words timed, ${aligned.interpolated} interpolated`);

    const paths = resolveWhisperPaths("tiny.en", process.env);
    await access(paths.binary).catch(() => {
      throw new Error(`whisper-cli is missing at ${paths.binary}: run \`bash scripts/build-whisper.sh\``);
    });
    for (const [label, dims] of [
      ["whisper.cpp, test model (64-wide, 1 layer)", { ...TEST_MODEL_DIMS, segmentSeconds: 28 }],
      ["whisper.cpp, tiny.en dimensions (random)", TINY_EN_DIMS],
    ] as const) {
      const [generate, model] = await seconds(() => ensureTinyWhisperModel(dims));
      const [whisper, { words: out }] = await seconds(() =>
        transcribeWhisper(wav, {
          binary: paths.binary,
          modelPath: model,
          workDir: dir,
          audioDuration: audio,
          timeoutMs: 600_000,
        }),
      );
      report(label, whisper, audio);
      console.log(`  ${out.length} words; model generated/located in ${generate.wall.toFixed(2)} s`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
