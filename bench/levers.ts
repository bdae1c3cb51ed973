import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { probeSources } from "../functions/render/pipeline/probe-media.js";
import { ffmpegQuiet, log, median, medianOrNull, OUT, round } from "./bench-env.js";
import { type Meter, timedFfmpeg } from "./ffmpeg-usage.js";
import { type CaseInputs, caseInputs, timedWords } from "./inputs.js";
import { audioSnr, videoQuality } from "./quality.js";
import { runOurs, type Tweaks } from "./run-ours.js";
import type { RunResult } from "./variant.js";

/**
 * Each lever of a cheaper plan measured on its own before it is adopted: ours as it is ("after")
 * against ours with that one choice undone ("before"), alternating, twice each, on the 10 s case
 * (2 scenes, 1080p30, captions). Pictures are compared with the lossless render of the plan.
 */

export interface LeverRow {
  lever: string;
  variant: string;
  /** Median ffmpeg CPU seconds of the whole render (or of the step named in `note`). */
  cpuSeconds: number | null;
  wallSeconds: number | null;
  ffmpegPeakRssMb: number | null;
  bytes: number | null;
  pictureSsim: number | null;
  picturePsnr: number | null;
  /** The lever's own figure: byte-identical output, the audio's SNR, the steps' wall seconds… */
  extra: Record<string, number | string | boolean | null>;
}

export interface LeverReport {
  lever: string;
  adopted: boolean;
  /** The measured reason, in a sentence. */
  finding: string;
  rows: LeverRow[];
}

const md5 = async (path: string) =>
  createHash("md5")
    .update(await readFile(path))
    .digest("hex");

/** A file-name-safe form of a label (work folders end up in filter-graph paths). */
const slug = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

async function pair(
  inputs: CaseInputs,
  dir: string,
  meter: Meter,
  variants: { name: string; tweaks: Tweaks }[],
): Promise<Map<string, RunResult[]>> {
  const words = timedWords(inputs);
  const runs = new Map<string, RunResult[]>();
  for (let r = 0; r < 2; r++) {
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
      const result = await runOurs(inputs, words, { name: slug(v.name), side: "ours" }, dir, meter, v.tweaks);
      runs.set(v.name, [...(runs.get(v.name) ?? []), result]);
      log(`lever run ${v.name}: ${result.seconds.toFixed(2)} s`);
    }
  }
  return runs;
}

async function row(
  lever: string,
  name: string,
  runs: RunResult[],
  reference: string,
  extra: LeverRow["extra"] = {},
): Promise<LeverRow> {
  const last = runs.at(-1);
  const quality = last ? await videoQuality(last.output, reference) : undefined;
  return {
    lever,
    variant: name,
    cpuSeconds: round(medianOrNull(runs.map((r) => r.cpuSeconds)), 2),
    wallSeconds: round(median(runs.map((r) => r.seconds)), 2),
    ffmpegPeakRssMb: round(medianOrNull(runs.map((r) => r.ffmpegPeakRssMb)), 0),
    bytes: last?.bytes ?? null,
    pictureSsim: round(quality?.picture.ssim, 5),
    picturePsnr: round(quality?.picture.psnr, 2),
    extra,
  };
}

const step = (runs: RunResult[], key: string, cpu = false) =>
  round(medianOrNull(runs.map((r) => (cpu ? r.phaseCpu?.[key] : r.phases?.[key]))), 3);

/** A PCM rendering of the same soundtrack: the reference the AAC coders are measured against. */
async function pcmOf(encoded: string, dir: string, name: string): Promise<string> {
  const out = join(dir, `${name}.wav`);
  await ffmpegQuiet(["-i", encoded, "-c:a", "pcm_f32le", out]);
  return out;
}

/** Noise and tones, the kind of bed music the coders must also keep: CPU and SNR of each. */
async function musicCheck(dir: string, meter: Meter): Promise<Record<string, number | null>> {
  const music = join(dir, "music.wav");
  await ffmpegQuiet([
    ...["-f", "lavfi", "-i", "anoisesrc=c=pink:a=0.2:d=60", "-f", "lavfi", "-i", "sine=f=440:d=60"],
    ...["-f", "lavfi", "-i", "sine=f=1250:d=60", "-filter_complex", "[0][1][2]amix=3:normalize=0"],
    ...["-ac", "2", "-ar", "48000", "-c:a", "pcm_f32le", music],
  ]);
  const out: Record<string, number | null> = {};
  for (const coder of ["twoloop", "fast"]) {
    const output = join(dir, `music-${coder}.m4a`);
    const args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", music];
    const run = await timedFfmpeg(
      {
        args: [...args, "-c:a", "aac", "-b:a", "192k", "-aac_coder", coder, output],
        output,
        durationSeconds: 60,
        files: [],
      },
      meter,
    );
    out[`${coder}CpuSeconds`] = round(run.usage?.cpuSeconds ?? run.seconds, 2);
    out[`${coder}SnrDb`] = round(await audioSnr(output, music), 2);
  }
  return out;
}

export async function measureLevers(meter: Meter): Promise<LeverReport[]> {
  const inputs = await caseInputs("10s", 2, 10);
  const dir = join(OUT, "levers");
  await mkdir(dir, { recursive: true });
  const words = timedWords(inputs);
  log("levers: lossless reference");
  const reference = (
    await runOurs(inputs, words, { name: "lossless", side: "ours", reference: true }, dir, meter)
  ).output;
  const reports: LeverReport[] = [];
  const compare = async (
    lever: string,
    before: { name: string; tweaks: Tweaks },
    judge: (
      after: RunResult[],
      before: RunResult[],
    ) => Promise<Omit<LeverReport, "lever" | "rows"> & { extra?: [LeverRow["extra"], LeverRow["extra"]] }>,
  ) => {
    log(`lever: ${lever}`);
    const runs = await pair(inputs, dir, meter, [{ name: "after", tweaks: {} }, before]);
    const after = runs.get("after") ?? [];
    const was = runs.get(before.name) ?? [];
    const verdict = await judge(after, was);
    reports.push({
      lever,
      adopted: verdict.adopted,
      finding: verdict.finding,
      rows: [
        await row(lever, before.name, was, reference, verdict.extra?.[1]),
        await row(lever, "ours (adopted plan)", after, reference, verdict.extra?.[0]),
      ],
    });
  };

  await compare(
    "bottom opaque clip as the base frame",
    { name: "colour base + overlay", tweaks: { colourBase: true } },
    async (a, b) => {
      const same = a[0] && b[0] ? (await md5(a[0].output)) === (await md5(b[0].output)) : null;
      const cpuAfter = medianOrNull(a.map((r) => r.cpuSeconds));
      const cpuBefore = medianOrNull(b.map((r) => r.cpuSeconds));
      return {
        adopted: true,
        finding: `${same ? "byte-identical video" : "different bytes"}; CPU ${fmtRatio(cpuAfter, cpuBefore)}, peak RSS ${fmtRatio(medianOrNull(a.map((r) => r.ffmpegPeakRssMb)), medianOrNull(b.map((r) => r.ffmpegPeakRssMb)))}`,
        extra: [{ identical: same }, { identical: same }],
      };
    },
  );

  await compare(
    "x264 threads = vCPUs",
    { name: "x264's own threads (1.5 per core)", tweaks: { x264Threads: true } },
    async (a, b) => ({
      adopted: true,
      finding: `peak RSS ${fmtRatio(medianOrNull(a.map((r) => r.ffmpegPeakRssMb)), medianOrNull(b.map((r) => r.ffmpegPeakRssMb)))}, CPU ${fmtRatio(medianOrNull(a.map((r) => r.cpuSeconds)), medianOrNull(b.map((r) => r.cpuSeconds)))}, same picture quality`,
    }),
  );

  await compare(
    "AAC fast coder",
    { name: "AAC twoloop (ffmpeg's default)", tweaks: { aacTwoloop: true } },
    async (a, b) => {
      const reference = a[0]?.audio ? await pcmOf(a[0].audio, dir, "mix-pcm-reference") : undefined;
      const snr = async (r: RunResult[]) =>
        reference && r[0]?.audio ? round(await audioSnr(r[0].audio, reference), 2) : null;
      const music = await musicCheck(dir, meter);
      const [fastSnr, twoSnr] = [await snr(a), await snr(b)];
      const [fastCpu, twoCpu] = [step(a, "audio", true), step(b, "audio", true)];
      return {
        adopted: true,
        finding:
          `narration mix: CPU ${fmtRatio(fastCpu, twoCpu)}, SNR ${fastSnr} vs ${twoSnr} dB; ` +
          `60 s of noise and tones: CPU ${fmtRatio(music.fastCpuSeconds ?? null, music.twoloopCpuSeconds ?? null)}, SNR ${music.fastSnrDb} vs ${music.twoloopSnrDb} dB`,
        extra: [
          {
            audioCpuSeconds: fastCpu,
            audioSnrDb: fastSnr,
            musicCpuSeconds: music.fastCpuSeconds ?? null,
            musicSnrDb: music.fastSnrDb ?? null,
          },
          {
            audioCpuSeconds: twoCpu,
            audioSnrDb: twoSnr,
            musicCpuSeconds: music.twoloopCpuSeconds ?? null,
            musicSnrDb: music.twoloopSnrDb ?? null,
          },
        ],
      };
    },
  );

  for (const lookahead of [5, 20]) {
    await compare(
      `x264 rc-lookahead ${lookahead} (veryfast's own is 10)`,
      { name: `rc-lookahead ${lookahead}`, tweaks: { lookahead } },
      async (a, b) => {
        const qa = a[0] ? await videoQuality(a[0].output, reference) : undefined;
        const qb = b[0] ? await videoQuality(b[0].output, reference) : undefined;
        const ssim = [qa?.picture.ssim ?? null, qb?.picture.ssim ?? null];
        return {
          adopted: false,
          finding:
            `size ${fmtRatio(b[0]?.bytes ?? null, a[0]?.bytes ?? null)} and picture SSIM ${round(ssim[1], 5)} vs ${round(ssim[0], 5)}: ` +
            "a rate/quality trade at the same CRF, not a saving at equal quality; peak RSS " +
            fmtRatio(
              medianOrNull(b.map((r) => r.ffmpegPeakRssMb)),
              medianOrNull(a.map((r) => r.ffmpegPeakRssMb)),
            ),
        };
      },
    );
  }

  await compare(
    "stills scaled once",
    { name: "still decoded and scaled every frame", tweaks: { stillsPerFrame: true } },
    async (a, b) => ({
      adopted: true,
      finding: `already the plan (each still is one frame that overlay repeats): CPU ${fmtRatio(medianOrNull(a.map((r) => r.cpuSeconds)), medianOrNull(b.map((r) => r.cpuSeconds)))} of decoding it every frame`,
    }),
  );

  await compare(
    "mix beside the encodes, poster beside the concat",
    { name: "one step after another", tweaks: { sequential: true } },
    async (a, b) => {
      const fixed = (r: RunResult[]) => {
        const enc = step(r, "encodeAndMix");
        const seg = step(r, "segments");
        const join = step(r, "assembleAndPoster");
        return enc !== null && seg !== null && join !== null ? round(enc - seg + join, 3) : null;
      };
      return {
        adopted: true,
        finding: `wall seconds outside the encodes (mix not overlapped + concat + poster): ${fixed(a)} vs ${fixed(b)}`,
        extra: [{ fixedWallSeconds: fixed(a) }, { fixedWallSeconds: fixed(b) }],
      };
    },
  );

  reports.push(await probeLever(inputs));
  return reports;
}

/** Probing the case's sources one at a time and four at a time (the worker's way). */
async function probeLever(inputs: CaseInputs): Promise<LeverReport> {
  const paths = new Map<string, string>(
    [inputs.background.path, ...inputs.images, ...inputs.narration.map((n) => n.path)].map((p) => [p, p]),
  );
  const time = async (concurrency: number) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await probeSources(paths, { ffprobePath: "ffprobe", concurrency });
      runs.push((performance.now() - t0) / 1000);
    }
    return round(median(runs), 3);
  };
  const one = await time(1);
  const four = await time(4);
  const rowOf = (variant: string, wallSeconds: number | null): LeverRow => ({
    lever: "sources probed in parallel",
    variant,
    cpuSeconds: null,
    wallSeconds,
    ffmpegPeakRssMb: null,
    bytes: null,
    pictureSsim: null,
    picturePsnr: null,
    extra: { sources: paths.size },
  });
  return {
    lever: "sources probed in parallel",
    adopted: true,
    finding: `${paths.size} sources: ${four} s four at a time vs ${one} s one at a time (the worker also hashes them meanwhile)`,
    rows: [rowOf("one at a time", one), rowOf("ours (four at a time)", four)],
  };
}

function fmtRatio(after: number | null, before: number | null): string {
  if (after === null || before === null || before === 0) return "not measured";
  return `${after.toFixed(after < 10 ? 2 : 0)} vs ${before.toFixed(before < 10 ? 2 : 0)} (${(after / before).toFixed(2)}×)`;
}
