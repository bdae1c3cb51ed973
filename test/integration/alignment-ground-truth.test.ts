import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alignScript } from "../../functions/render/speech/align-script.js";
import {
  extractSpeechAudio,
  wavDurationSeconds,
} from "../../functions/render/speech/extract-speech-audio.js";
import { splitScript } from "../../functions/render/speech/script-tokens.js";
import { buildGroundTruth, GROUND_TRUTH_SCRIPTS, startErrors } from "../support/speech-ground-truth.js";

/**
 * Forced alignment against known word start times (see test/support/speech-ground-truth.ts): joined
 * words and phrases in several voices and rates, continuous speech at ordinary and slow rates, and
 * numbers, years, percentages, currency and times as espeak-ng reads them and as people say them.
 * Per script: mean word-start error ≤ 80 ms and 90th percentile ≤ 200 ms.
 */
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-ground-truth-"));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("forced alignment against ground truth", () => {
  it.each(GROUND_TRUTH_SCRIPTS.map((s) => [s.name, s] as const))(
    "%s: mean ≤ 80 ms, p90 ≤ 200 ms word-start error, captions keep the script's tokens",
    async (_name, script) => {
      const truth = await buildGroundTruth(script, dir);
      const wav = join(dir, `${script.name.replace(/\W+/g, "-")}-16k.wav`);
      await extractSpeechAudio(truth.wavPath, wav, { ffmpegPath: "ffmpeg" });
      const duration = wavDurationSeconds(await readFile(wav));
      const result = await alignScript(wav, truth.text, {
        workDir: dir,
        audioDuration: duration,
        timeoutMs: 60_000,
      });

      expect(result.words.map((w) => w.word)).toEqual(splitScript(truth.text));
      const e = startErrors(result.words, truth.truth);
      console.log(
        `${script.name}: ${e.counted} words, mean ${(e.mean * 1000).toFixed(0)} ms, p90 ${(e.p90 * 1000).toFixed(0)} ms, ` +
          `max ${(e.max * 1000).toFixed(0)} ms ("${e.worst}"); pass ${result.report.pass} of ${result.report.passes.length}, ${result.report.repaired} repaired`,
      );
      expect(e.counted).toBeGreaterThanOrEqual(0.9 * truth.truth.length);
      expect(e.mean).toBeLessThanOrEqual(0.08);
      expect(e.p90).toBeLessThanOrEqual(0.2);
      result.words.forEach((w, i) => {
        expect(w.end).toBeGreaterThanOrEqual(w.start);
        if (i > 0) expect(w.start).toBeGreaterThanOrEqual(result.words[i - 1]?.end ?? 0);
      });
      // A second pass runs only when the first was implausible, and the report says which won.
      const [first, second] = result.report.passes;
      expect(first?.name).toBe("narrow");
      if (second) expect(first?.problems).toBeGreaterThan(0);
      // The retry decodes only the stretches around the problems when the first pass placed words.
      if (second && (first?.words ?? 0) > 0) expect(second.seconds).toBeLessThan(first?.seconds ?? 0);
      expect(result.report.passes.map((p) => p.name)).toContain(result.report.pass);
    },
    60_000,
  );
});
