import { mkdir } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { FRAME, log, median, medianOrNull, OUT, round } from "./bench-env.js";
import type { Meter } from "./ffmpeg-usage.js";
import { caseInputs, timedWords, videoSecondsOf } from "./inputs.js";
import { type VideoQuality, videoQuality } from "./quality.js";
import { runBaseline } from "./run-baseline.js";
import { runOurs } from "./run-ours.js";
import type { RunResult, Variant } from "./variant.js";

export interface CaseSpec {
  name: string;
  scenes: number;
  /** Total video seconds aimed at (narration + VideoCraft's 2 s tail). */
  targetSeconds: number;
  /** Run order inside one repeat; baseline and ours alternate. References run once, first. */
  variants: Variant[];
  /** Repeats unless `--repeat` is given. */
  repeat: number;
  /** The baseline the ratios are taken against. */
  fair: string;
}

export interface VariantReport {
  side: "baseline" | "ours";
  reference: boolean;
  /** Wall seconds of each run; the median is used. */
  runs: number[];
  /** Highest 1-minute load average seen at the end of a run. */
  load1: number;
  seconds: number;
  ratio: number | null;
  cpuSeconds: number | null;
  cpuRatio: number | null;
  ffmpegPeakRssMb: number | null;
  nodeRssMb: number;
  /** ffmpeg + node for ours (the worker's process too), ffmpeg alone for the baseline. */
  peakRssMb: number | null;
  bytes: number;
  sizeRatio: number | null;
  /** Against the lossless render of the same plan; null for the references themselves. */
  quality: VideoQuality | null;
  phases?: Record<string, number>;
  phaseCpu?: Record<string, number>;
  encodeFps?: number | null;
  encodeFramesPerCpuSecond?: number | null;
  captionsRendered?: boolean;
  /** Ours: the soundtrack file of the last run (for the audio check). */
  audio?: string;
}

export interface CaseReport {
  name: string;
  scenes: number;
  videoSeconds: number;
  frames: number;
  width: number;
  height: number;
  repeat: number;
  fairBaseline: string;
  /**
   * The cheapest of ours at the default preset whose picture is at least as close to its lossless
   * render as the fair baseline's is to its own: the plan compared at equal quality.
   */
  equalQuality: string | null;
  variants: Record<string, VariantReport>;
}

/** Runs every variant of a case (interleaved, repeated), then measures quality and reports. */
export async function runCase(spec: CaseSpec, meter: Meter, repeatOverride?: number): Promise<CaseReport> {
  log(`case ${spec.name}: preparing inputs`);
  const inputs = await caseInputs(spec.name, spec.scenes, spec.targetSeconds);
  const words = timedWords(inputs);
  const dir = join(OUT, spec.name);
  await mkdir(dir, { recursive: true });
  const results = new Map<string, RunResult[]>();
  const run = async (variant: Variant) => {
    const result =
      variant.side === "baseline"
        ? await runBaseline(inputs, words, variant, dir, meter)
        : await runOurs(inputs, words, variant, dir, meter);
    result.load1 = loadavg()[0] ?? 0;
    log(`case ${spec.name} ${variant.name}: ${result.seconds.toFixed(2)} s, load ${result.load1.toFixed(1)}`);
    results.set(variant.name, [...(results.get(variant.name) ?? []), result]);
  };
  for (const variant of spec.variants.filter((v) => v.reference)) await run(variant);
  const measured = spec.variants.filter((v) => !v.reference);
  const repeat = repeatOverride ?? spec.repeat;
  for (let r = 0; r < repeat; r++) {
    // Alternate the order between repeats so neither side always runs first.
    for (const variant of r % 2 === 0 ? measured : [...measured].reverse()) await run(variant);
  }

  const fairRuns = results.get(spec.fair) ?? [];
  const fairSeconds = median(fairRuns.map((r) => r.seconds));
  const fairCpu = medianOrNull(fairRuns.map((r) => r.cpuSeconds));
  const fairBytes = fairRuns.at(-1)?.bytes;
  const videoSeconds = videoSecondsOf(inputs);
  const frames = Math.round(videoSeconds * FRAME.fps);
  const referenceOf = (side: Variant["side"]) =>
    results.get(spec.variants.find((v) => v.reference && v.side === side)?.name ?? "")?.at(-1)?.output;

  log(`case ${spec.name}: quality against the lossless renders`);
  const variants: Record<string, VariantReport> = {};
  for (const variant of spec.variants) {
    const runs = results.get(variant.name) ?? [];
    const last = runs.at(-1);
    if (!last) continue;
    const seconds = median(runs.map((r) => r.seconds));
    const ffmpegPeak = medianOrNull(runs.map((r) => r.ffmpegPeakRssMb));
    const cpu = medianOrNull(runs.map((r) => r.cpuSeconds));
    const nodeRss = Math.max(...runs.map((r) => r.nodeRssMb));
    const reference = referenceOf(variant.side);
    const report: VariantReport = {
      side: variant.side,
      reference: variant.reference ?? false,
      runs: runs.map((r) => round(r.seconds) ?? 0),
      load1: round(Math.max(...runs.map((r) => r.load1 ?? 0)), 2) ?? 0,
      seconds: round(seconds) ?? 0,
      ratio: fairRuns.length > 0 ? round(seconds / fairSeconds) : null,
      cpuSeconds: round(cpu, 2),
      cpuRatio: cpu !== null && fairCpu ? round(cpu / fairCpu) : null,
      ffmpegPeakRssMb: round(ffmpegPeak, 1),
      nodeRssMb: round(nodeRss, 1) ?? 0,
      peakRssMb: ffmpegPeak === null ? null : round(ffmpegPeak + (variant.side === "ours" ? nodeRss : 0), 1),
      bytes: last.bytes,
      sizeRatio: fairBytes ? round(last.bytes / fairBytes) : null,
      quality: variant.reference || !reference ? null : await videoQuality(last.output, reference),
    };
    if (last.phases) {
      const phases: Record<string, number> = {};
      for (const key of Object.keys(last.phases))
        phases[key] = round(median(runs.map((r) => r.phases?.[key] ?? 0))) ?? 0;
      const phaseCpu: Record<string, number> = {};
      for (const key of Object.keys(last.phaseCpu ?? {})) {
        phaseCpu[key] = round(median(runs.map((r) => r.phaseCpu?.[key] ?? 0))) ?? 0;
      }
      const segCpu = medianOrNull(runs.map((r) => r.segmentCpuSeconds));
      Object.assign(report, {
        phases,
        phaseCpu,
        encodeFps: round(frames / (phases.segments ?? 1), 1),
        encodeFramesPerCpuSecond: segCpu ? round(frames / segCpu, 1) : null,
        captionsRendered: last.captionsRendered ?? false,
        ...(last.audio ? { audio: last.audio } : {}),
      });
    }
    variants[variant.name] = report;
  }
  const fairPicture = variants[spec.fair]?.quality?.picture.ssim ?? null;
  const candidates = spec.variants
    .filter((v) => v.side === "ours" && !v.reference && !v.draft && v.preset === undefined)
    .map((v) => ({ name: v.name, report: variants[v.name] }))
    .filter(
      (c) =>
        fairPicture !== null && (c.report?.quality?.picture.ssim ?? Number.NEGATIVE_INFINITY) >= fairPicture,
    )
    .sort(
      (a, b) =>
        (a.report?.cpuSeconds ?? a.report?.seconds ?? 0) - (b.report?.cpuSeconds ?? b.report?.seconds ?? 0),
    );
  return {
    name: spec.name,
    scenes: spec.scenes,
    videoSeconds: round(videoSeconds) ?? 0,
    frames,
    width: FRAME.width,
    height: FRAME.height,
    repeat,
    fairBaseline: spec.fair,
    equalQuality: candidates[0]?.name ?? null,
    variants,
  };
}
