import type { SourceFailureCode } from "../errors.js";
import type { SourceInfo } from "../plan/render-plan.js";

/** What probing one `src` found out (the render worker's probe, run on the source's first bytes). */
export interface SourceProbe {
  /** `failed`: the source would fail the job (see `failure`); `not_probed`: no time or no probe. */
  status: "probed" | "failed" | "not_probed";
  /** Size of the whole source, when known without downloading it. */
  sizeBytes?: number;
  /** Bytes actually read to probe it. */
  bytesRead: number;
  /** Media facts; absent when the media could not be read from the bytes read. */
  info?: SourceInfo;
  failure?: { code: SourceFailureCode; message: string };
  note?: string;
}

/**
 * Probes distinct sources for a dry run; never throws for a bad source (that is a `failed`
 * result). Locally the render worker's fetcher and ffprobe do it (render/pipeline/
 * probe-source-head.ts); the API function on AWS carries neither and invokes the probe function,
 * which runs the same probe (adapters/lambda-source-prober.ts); without one, {@link noSourceProbing}.
 */
export type ProbeSources = (srcs: readonly string[]) => Promise<ReadonlyMap<string, SourceProbe>>;

/** Probes nothing: every source is `not_probed`, saying that the render checks it. */
export const noSourceProbing: ProbeSources = async (srcs) =>
  new Map(
    srcs.map((src) => [
      src,
      {
        status: "not_probed",
        bytesRead: 0,
        note: "not probed: this API does not fetch sources; the render checks them when the job runs",
      },
    ]),
  );
