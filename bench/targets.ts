import type { CaseReport } from "./case-run.js";
import type { LambdaEstimate } from "./lambda-model.js";
import type { LeverReport } from "./levers.js";
import type { LongChunkedReport } from "./long-chunked.js";

/** One performance figure with its target and whether this run met it (null: not measured or no target). */
export interface Target {
  item: string;
  target: string;
  value: string;
  limit: string;
  pass: boolean | null;
}

const show = (x: number | null | undefined, digits = 2) =>
  typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "not measured";

export function targets(
  cases: readonly CaseReport[],
  levers: readonly LeverReport[],
  long: LongChunkedReport | undefined,
  lambda: readonly LambdaEstimate[],
): Target[] {
  const out: Target[] = [];
  const check = (
    item: string,
    target: string,
    value: number | null | undefined,
    limit: number,
    le: boolean,
    digits = 2,
  ) =>
    out.push({
      item,
      target,
      value: show(value, digits),
      limit: `${le ? "≤" : "≥"} ${limit}`,
      pass:
        typeof value === "number" && Number.isFinite(value) ? (le ? value <= limit : value >= limit) : null,
    });
  const info = (item: string, target: string, value: string) =>
    out.push({ item, target, value, limit: "-", pass: null });

  // 1. Chunked fan-out: the 10-minute single scene on the local stack.
  if (long) {
    const label = `${long.videoSeconds / 60} min single scene, chunked, local stack`;
    check("1 chunked fan-out", `${label}: frames decoded`, long.frames, long.expectedFrames, false, 0);
    check("1 chunked fan-out", `${label}: frames decoded`, long.frames, long.expectedFrames, true, 0);
    check(
      "1 chunked fan-out",
      `${label}: A/V offset at the end, s (< 1 frame)`,
      long.avOffsetSeconds,
      1 / 30,
      true,
      4,
    );
    info(
      "1 chunked fan-out",
      `${label}: wall s, parts`,
      `${show(long.wallSeconds, 1)} s, ${long.segments?.total ?? "?"} parts on ${long.workers} workers`,
    );
  } else {
    info(
      "1 chunked fan-out",
      "10 min single scene, chunked, local stack",
      "not run (--quick or --skip-long)",
    );
  }

  // 2 and 3: quality against the lossless renders; the plan at equal quality.
  for (const c of cases) {
    const fair = c.variants[c.fairBaseline];
    const label = `${c.name} (${c.scenes} sc)`;
    const eqName = c.equalQuality;
    const eq = eqName ? c.variants[eqName] : undefined;
    const ours = c.variants.ours;
    if (fair?.quality && ours?.quality) {
      info(
        "2 equal quality",
        `${label}: picture SSIM / PSNR vs own lossless render: baseline, ours`,
        `${show(fair.quality.picture.ssim, 5)} / ${show(fair.quality.picture.psnr)} dB, ${show(ours.quality.picture.ssim, 5)} / ${show(ours.quality.picture.psnr)} dB`,
      );
      info(
        "2 equal quality",
        `${label}: caption rows SSIM / PSNR vs own lossless render: baseline, ours`,
        `${show(fair.quality.captions.ssim, 5)} / ${show(fair.quality.captions.psnr)} dB, ${show(ours.quality.captions.ssim, 5)} / ${show(ours.quality.captions.psnr)} dB`,
      );
    }
    const vf = Object.entries(c.variants).find(([n]) => n.startsWith("baseline-veryfast"))?.[1];
    if (vf)
      info(
        "2 equal quality",
        `${label}: baseline at veryfast, wall / CPU ratio (the preset's share)`,
        `${show(vf.ratio)} / ${show(vf.cpuRatio)}`,
      );
    if (c.name === "10s" && cases.some((x) => x.name === "30s")) continue;
    out.push({
      item: "3 cheaper plan",
      target: `${label}: ours reaches the baseline's picture quality (cheapest such CRF)`,
      value: eq ? `${eqName}` : "no variant reached it",
      limit: "reached",
      pass: eq !== undefined,
    });
    if (eq) {
      check("3 cheaper plan", `${label}: wall ratio at equal quality`, eq.ratio, 0.5, true);
      check("3 cheaper plan", `${label}: CPU ratio at equal quality`, eq.cpuRatio, 0.5, true);
      check("3 cheaper plan", `${label}: size ratio at equal quality`, eq.sizeRatio, 1.1, true);
    }
    check(
      "3 cheaper plan",
      `${label}: ffmpeg peak RSS MB at 1080p (ours)`,
      ours?.ffmpegPeakRssMb,
      300,
      true,
      0,
    );
    const draft = c.variants["ours-draft"];
    if (draft) {
      check("3 cheaper plan", `${label}: draft wall ratio`, draft.ratio, 0.25, true);
      check("3 cheaper plan", `${label}: draft CPU ratio`, draft.cpuRatio, 0.25, true);
    }
    // 4. Fixed per-job costs, as the worker now runs them.
    if (ours?.phases) {
      const p = ours.phases;
      info(
        "4 fixed per-job costs",
        `${label}: ours steps wall s (fetch, probe, timings, plan | mix beside encodes | concat ‖ poster)`,
        `${show(p.fetch)}, ${show(p.probe)}, ${show(p.timings)}, ${show(p.plan)} | mix ${show(p.audio)} beside ${show(p.segments)} of encodes (+${show((p.encodeAndMix ?? 0) - (p.segments ?? 0))}) | ${show(p.assembleAndPoster)}`,
      );
    }
  }
  for (const lever of levers) {
    info(`3/4 lever${lever.adopted ? " (adopted)" : " (not adopted)"}`, lever.lever, lever.finding);
  }

  // 5. The Lambda model's targets: 10 minutes of 1080p, 8 scenes and one scene, upper end of the range.
  for (const row of lambda.filter((r) => r.videoSeconds === 600 && r.fanout && !r.transcribe)) {
    const label = `Lambda 10 min 1080p, ${row.scenes === 1 ? "one scene" : `${row.scenes} scenes`}, ${row.memoryMb} MB (${row.parts} parts)`;
    check("5 Lambda model", `${label}: wall s, upper end`, row.wallSeconds[1], 90, true, 1);
    check("5 Lambda model", `${label}: cost $, upper end`, row.costUsd[1], 0.05, true, 4);
  }
  return out;
}
