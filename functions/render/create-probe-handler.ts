import type { Context } from "aws-lambda";
import { type ProbeAnswer, probeInvocationSchema } from "../adapters/probe-invocation.js";
import type { Config } from "../core/config.js";
import type { ObjectStore } from "../core/ports/object-store.js";
import { sourceHeadProber } from "./pipeline/probe-source-head.js";

/** Time kept back from the function's own deadline to send the answer. */
const ANSWER_MARGIN_MS = 1000;

/**
 * The probe function (direct invocation from the API's dry run): the same head probe local mode
 * runs, with this image's fetcher and ffprobe. A payload it cannot read is an invocation error,
 * which the API reports as sources not probed.
 */
export function createProbeHandler(deps: { config: Config; store: ObjectStore }) {
  return async (event: unknown, context: Pick<Context, "getRemainingTimeInMillis">): Promise<ProbeAnswer> => {
    const { srcs, deadlineMs } = probeInvocationSchema.parse(event);
    if (srcs.length > deps.config.maxSourcesPerJob) {
      throw new Error(`${srcs.length} sources is more than a project may name`);
    }
    const budget = Math.min(deadlineMs, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
    const probes = await sourceHeadProber({ ...deps, deadlineMs: Math.max(1, budget) })(srcs);
    return {
      probes: srcs.flatMap((src) => {
        const probe = probes.get(src);
        if (!probe) return [];
        const { info, ...rest } = probe;
        return [{ src, probe: info ? { ...rest, info: { ...info, path: undefined } } : rest }];
      }),
    };
  };
}
