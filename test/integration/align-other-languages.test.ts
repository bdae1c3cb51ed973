import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { resolveWordTimings } from "../../functions/render/speech/resolve-word-timings.js";
import { splitScript } from "../../functions/render/speech/script-tokens.js";
import { resolveWhisperPaths } from "../../functions/render/speech/whisper-paths.js";
import { buildGroundTruth, OTHER_LANGUAGE_SCRIPTS, startErrors } from "../support/speech-ground-truth.js";
import { ensureTinyWhisperModel, TEST_MULTILINGUAL_MODEL_DIMS } from "../support/tiny-whisper-model.js";

/**
 * A known script in a language pocketsphinx has no model for: matched onto whisper's words when a
 * multilingual model understands it, else spread over the stretches of speech by syllable length,
 * always with a warning naming the method. The generated whisper test models run for real but say
 * made-up words, so here whisper's words never match and the spreading is what is measured.
 */
const paths = resolveWhisperPaths("base", process.env);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-other-languages-"));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const deps = (modelPath: string) => ({
  store: new InMemoryObjectStore(),
  workDir: dir,
  ffmpegPath: "ffmpeg",
  whisper: { ...paths, modelPath },
  timeoutMs: 60_000,
});

describe("a known script in a language without pronunciations", () => {
  it.each(OTHER_LANGUAGE_SCRIPTS.map((s) => [s.name, s] as const))(
    "%s: spread over the speech (no whisper model): mean ≤ 80 ms, p90 ≤ 200 ms, with a warning",
    async (_name, script) => {
      const truth = await buildGroundTruth(script, dir);
      const element = { type: "subtitles" as const, text: truth.text, language: script.language };
      const r = await resolveWordTimings(
        element,
        { path: truth.wavPath, offset: 0 },
        deps(join(dir, "none.bin")),
      );
      expect(r.engine).toBe("speech-activity");
      expect(r.warnings.join(" ")).toMatch(/no pronunciation model for "(de|zh)" and no whisper model/);
      expect(r.words.map((w) => w.word)).toEqual(splitScript(truth.text));
      const e = startErrors(r.words, truth.truth);
      console.log(
        `${script.name} (spread over speech): ${e.counted} words, mean ${(e.mean * 1000).toFixed(0)} ms, ` +
          `p90 ${(e.p90 * 1000).toFixed(0)} ms, max ${(e.max * 1000).toFixed(0)} ms ("${e.worst}")`,
      );
      expect(e.mean).toBeLessThanOrEqual(0.08);
      expect(e.p90).toBeLessThanOrEqual(0.2);
    },
    60_000,
  );

  it("asks a multilingual whisper model in the script's language, and spreads when its words do not match", async () => {
    const [script] = OTHER_LANGUAGE_SCRIPTS;
    if (!script) throw new Error("no script");
    const truth = await buildGroundTruth(script, dir);
    const model = await ensureTinyWhisperModel(TEST_MULTILINGUAL_MODEL_DIMS);
    const d = deps(model);
    const element = { type: "subtitles" as const, text: truth.text, language: "de" };
    const r = await resolveWordTimings(element, { path: truth.wavPath, offset: 0 }, d);
    expect(r.engine).toBe("speech-activity");
    expect(r.warnings.join(" ")).toMatch(/whisper\.cpp's words matched only \d+ % of the script/);
    const entry = JSON.parse((await d.store.getText(r.cacheKey ?? "")) ?? "{}");
    expect(entry).toMatchObject({ engine: "speech-activity", language: "de" });
    // The audio element's language applies when the subtitles element has none.
    const viaAudio = await resolveWordTimings(
      { type: "subtitles", text: truth.text },
      { path: truth.wavPath, offset: 0, language: "de" },
      d,
    );
    expect(viaAudio).toMatchObject({ cached: true, cacheKey: r.cacheKey });
  }, 60_000);

  it("says when the whisper model is English-only", async () => {
    const [script] = OTHER_LANGUAGE_SCRIPTS;
    if (!script) throw new Error("no script");
    const truth = await buildGroundTruth(script, dir);
    const englishOnly = await ensureTinyWhisperModel();
    const element = { type: "subtitles" as const, text: truth.text, language: "de" };
    const r = await resolveWordTimings(element, { path: truth.wavPath, offset: 0 }, deps(englishOnly));
    expect(r.warnings.join(" ")).toMatch(/the whisper model is English-only/);
    const transcribed = await resolveWordTimings(
      { type: "subtitles", language: "de" },
      { path: truth.wavPath, offset: 0, duration: 3 },
      deps(englishOnly),
    );
    expect(transcribed.engine).toBe("whisper");
    expect(transcribed.warnings.join(" ")).toMatch(
      /English-only, so the "de" speech was transcribed as English/,
    );
  }, 60_000);
});
