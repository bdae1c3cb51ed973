import { z } from "zod";
import { SOURCE_FAILURE_CODES } from "../core/errors.js";
import type { SourceProbe } from "../core/ports/source-prober.js";

/**
 * The messages of a dry run's probe on AWS: the API function invokes the probe function (the
 * render image with CMD handler.probeHandler) with the sources, and reads back one probe per
 * source. Both ends parse with these schemas, so neither trusts the other's JSON blindly.
 */

export const probeInvocationSchema = z.object({
  /** Distinct sources, as written in the request. */
  srcs: z.array(z.string().min(1)).max(10_000),
  /** How long the probe may take before it answers `not_probed` for what is left. */
  deadlineMs: z.number().int().min(1).max(900_000),
});
export type ProbeInvocation = z.infer<typeof probeInvocationSchema>;

const sourceProbeSchema = z.object({
  status: z.enum(["probed", "failed", "not_probed"]),
  sizeBytes: z.number().nonnegative().optional(),
  bytesRead: z.number().nonnegative(),
  info: z
    .object({
      format: z.string(),
      durationSeconds: z.number().optional(),
      hasVideo: z.boolean(),
      hasAudio: z.boolean(),
      width: z.number().optional(),
      height: z.number().optional(),
      isStill: z.boolean(),
    })
    .optional(),
  failure: z.object({ code: z.enum(SOURCE_FAILURE_CODES), message: z.string() }).optional(),
  note: z.string().optional(),
});

export const probeAnswerSchema = z.object({
  probes: z.array(z.object({ src: z.string(), probe: sourceProbeSchema })),
});
export type ProbeAnswer = z.infer<typeof probeAnswerSchema>;

/** A probe as the port hands it on (the probe function's local path means nothing here). */
export function toSourceProbe(probe: ProbeAnswer["probes"][number]["probe"]): SourceProbe {
  const { info, ...rest } = probe;
  return {
    ...rest,
    ...(info
      ? {
          info: {
            path: "",
            format: info.format,
            durationSeconds: info.durationSeconds,
            hasVideo: info.hasVideo,
            hasAudio: info.hasAudio,
            width: info.width,
            height: info.height,
            isStill: info.isStill,
          },
        }
      : {}),
  };
}
