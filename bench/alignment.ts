/**
 * Speech timing benchmark (not a test): seconds of compute per minute of narration for
 *   1. forced alignment of a known script (pocketsphinx; goal ≤ 1 CPU s per audio minute with the
 *      pronunciation dictionary warm), against one decoder run with the previous settings (one
 *      beam, pocketsphinx's own noise removal and silence skipping) measured in the same run;
 *   2. the ground-truth set (test/support/speech-ground-truth.ts): word-start error per script, which
 *      pass won, CPU per audio minute;
 *   3. whisper.cpp with generated random-weight models: the test model's small dimensions, and
 *      tiny.en's dimensions (so tiny.en's encoder compute; decoding is short by construction).
 * The other baseline is the audio itself: each figure is also printed as a real-time factor.
 *
 *   npx tsx bench/alignment.ts [minutes=1] [--no-whisper]
 *
 * Needs espeak-ng (+ libespeak-ng-dev and a C compiler for the ground truth), ffmpeg, pocketsphinx
 * (+ pocketsphinx-en-us) and whisper-cli (`bash scripts/build-whisper.sh`).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { InMemoryObjectStore } from "../functions/core/ports/in-memory-object-store.js";
import { alignScript } from "../functions/render/speech/align-script.js";
import { extractSpeechAudio, wavDurationSeconds } from "../functions/render/speech/extract-speech-audio.js";
import { DEFAULT_SPHINX_DICT, loadDictionary } from "../functions/render/speech/pronunciation-dictionary.js";
import { resolveWordTimings } from "../functions/render/speech/resolve-word-timings.js";
import { tokenizeScript } from "../functions/render/speech/script-tokens.js";
import { buildGrammar, buildScriptDictionary } from "../functions/render/speech/sphinx-grammar.js";
import { transcribeWhisper } from "../functions/render/speech/transcribe-whisper.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import {
  buildGroundTruth,
  GROUND_TRUTH_SCRIPTS,
  OTHER_LANGUAGE_SCRIPTS,
  startErrors,
} from "../test/support/speech-ground-truth.js";
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
  /** Children's CPU seconds (pocketsphinx, whisper-cli, ffmpeg). */
  cpu: number;
  /** This process's own CPU seconds (dictionary, grammar, plausibility checks). */
  own: number;
}

async function seconds<T>(f: () => Promise<T>): Promise<[Timing, T]> {
  const t0 = performance.now();
  const c0 = childCpuSeconds();
  const o0 = process.cpuUsage();
  const value = await f();
  const o = process.cpuUsage(o0);
  return [
    { wall: (performance.now() - t0) / 1000, cpu: childCpuSeconds() - c0, own: (o.user + o.system) / 1e6 },
    value,
  ];
}

const perMinute = (s: number, audio: number) => (s / audio) * 60;

function report(label: string, t: Timing, audio: number): void {
  const total = t.cpu + t.own;
  console.log(
    `${label.padEnd(46)} wall ${t.wall.toFixed(2).padStart(6)} s, CPU ${total.toFixed(2).padStart(5)} s ` +
      `(children ${t.cpu.toFixed(2)}, node ${t.own.toFixed(2)}) for ${audio.toFixed(1)} s audio → ` +
      `${perMinute(total, audio).toFixed(2)} CPU s per audio minute (${(audio / t.wall).toFixed(1)}× real time)`,
  );
}

/** One pocketsphinx run with the settings used before plausibility-judged passes. */
async function previousSinglePass(wav: string, script: string, dir: string): Promise<void> {
  const dictionary = await loadDictionary();
  const tokens = tokenizeScript(script, dictionary);
  const gram = join(dir, "baseline.gram");
  const dict = join(dir, "baseline.dict");
  await writeFile(gram, buildGrammar(tokens.map((t) => t.forms)));
  await writeFile(
    dict,
    buildScriptDictionary(
      tokens.flatMap((t) => t.forms.flat()),
      dictionary,
    ).text,
  );
  await run("pocketsphinx_continuous", [
    ...["-infile", wav, "-jsgf", gram, "-dict", dict, "-time", "yes", "-vad_postspeech", "3000"],
    ...["-beam", "1e-100", "-wbeam", "1e-80", "-pbeam", "1e-100", "-logfn", "/dev/null"],
  ]);
}

async function groundTruthTable(dir: string): Promise<void> {
  console.log("\nground truth (word-start error per script; see test/support/speech-ground-truth.ts)");
  console.log(
    `${"script".padEnd(52)} ${"words".padStart(5)} ${"mean".padStart(6)} ${"p90".padStart(6)} ${"max".padStart(6)}  method / pass      CPU s per audio min`,
  );
  const deps = {
    store: new InMemoryObjectStore(),
    workDir: dir,
    ffmpegPath: "ffmpeg",
    whisper: { binary: "/nonexistent/whisper-cli", modelPath: join(dir, "no-model.bin"), model: "none" },
    timeoutMs: 600_000,
  };
  for (const script of [...GROUND_TRUTH_SCRIPTS, ...OTHER_LANGUAGE_SCRIPTS]) {
    const truth = await buildGroundTruth(script, dir);
    const wav = join(dir, "truth-16k.wav");
    await extractSpeechAudio(truth.wavPath, wav, { ffmpegPath: "ffmpeg" });
    const duration = wavDurationSeconds(await readFile(wav));
    let method: string;
    let words: { word: string; start: number }[];
    const [t] = await seconds(async () => {
      if (script.language) {
        const element = { type: "subtitles" as const, text: truth.text, language: script.language };
        const r = await resolveWordTimings(element, { path: truth.wavPath, offset: 0 }, deps);
        method = r.engine;
        words = r.words;
      } else {
        const r = await alignScript(wav, truth.text, {
          workDir: dir,
          audioDuration: duration,
          timeoutMs: 600_000,
        });
        method = `${r.report.pass} of ${r.report.passes.length}${r.report.repaired ? `, ${r.report.repaired} fixed` : ""}`;
        words = r.words;
      }
    });
    const e = startErrors(words!, truth.truth);
    const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`.padStart(6);
    console.log(
      `${script.name.padEnd(52)} ${String(e.counted).padStart(5)} ${ms(e.mean)} ${ms(e.p90)} ${ms(e.max)}  ${method!.padEnd(18)} ${perMinute(t.cpu + t.own, duration).toFixed(2)}`,
    );
  }
}

async function main(): Promise<void> {
  const minutes = Number(process.argv.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 1);
  const withWhisper = !process.argv.includes("--no-whisper");
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

    const [dictLoad, dictionary] = await seconds(() => loadDictionary(DEFAULT_SPHINX_DICT));
    console.log(
      `pronunciation dictionary: ${dictionary.size} words indexed in ${dictLoad.wall.toFixed(2)} s wall, ` +
        `${dictLoad.own.toFixed(2)} s CPU (once per process; warm from here on)`,
    );
    const [baseline] = await seconds(() => previousSinglePass(wav, script, dir));
    report("baseline: one pass, previous settings", baseline, audio);
    const [align, aligned] = await seconds(() =>
      alignScript(wav, script, { workDir: dir, audioDuration: audio, timeoutMs: 600_000 }),
    );
    report("forced alignment (pocketsphinx, judged passes)", align, audio);
    console.log(
      `  ${aligned.words.length} words timed, ${aligned.interpolated} interpolated; pass ${aligned.report.pass} ` +
        `of ${aligned.report.passes.length}; ${((align.cpu + align.own) / (baseline.cpu + baseline.own)).toFixed(2)}× the baseline's CPU`,
    );

    await groundTruthTable(dir);
    if (!withWhisper) return;

    console.log("");
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
