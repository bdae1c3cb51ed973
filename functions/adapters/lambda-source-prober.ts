import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { Log } from "../core/ports/log.js";
import type { ProbeSources, SourceProbe } from "../core/ports/source-prober.js";
import { type ProbeInvocation, probeAnswerSchema, toSourceProbe } from "./probe-invocation.js";

/**
 * The dry run's whole probing budget on AWS (it stays well inside API Gateway's 29 s and the API
 * function's 25 s): the invocation, the probe function's cold start included.
 */
export const PROBE_INVOKE_TIMEOUT_MS = 20_000;
/** What the probe function itself may spend; the rest of the budget covers its cold start and the answer. */
export const PROBE_FUNCTION_BUDGET_MS = 15_000;

export interface LambdaSourceProberOptions {
  client: LambdaClient;
  /** Name or ARN of the probe function. */
  functionName: string;
  /** @default PROBE_INVOKE_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default PROBE_FUNCTION_BUDGET_MS */
  budgetMs?: number;
  log?: Log;
}

/**
 * ProbeSources on AWS: invokes the probe function synchronously with the dry run's sources. It
 * never fails the dry run: an error, a malformed answer or no answer in time makes every source
 * `not_probed`, with a note saying why (the render checks the sources when the job runs).
 */
export function lambdaSourceProber(options: LambdaSourceProberOptions): ProbeSources {
  const timeoutMs = options.timeoutMs ?? PROBE_INVOKE_TIMEOUT_MS;
  const budgetMs = Math.min(options.budgetMs ?? PROBE_FUNCTION_BUDGET_MS, timeoutMs);
  return async (srcs) => {
    if (srcs.length === 0) return new Map();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const payload: ProbeInvocation = { srcs: [...srcs], deadlineMs: budgetMs };
      const out = await options.client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: "RequestResponse",
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
        { abortSignal: signal },
      );
      if (out.FunctionError) throw new ProbeInvokeError(`the probe function failed (${out.FunctionError})`);
      const answer = probeAnswerSchema.safeParse(JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8")));
      if (!answer.success) throw new ProbeInvokeError("the probe function's answer was not understood");
      const probes = new Map(answer.data.probes.map(({ src, probe }) => [src, toSourceProbe(probe)]));
      return new Map(
        srcs.map((src) => [src, probes.get(src) ?? notProbed("the probe function did not report on it")]),
      );
    } catch (e) {
      const why = signal.aborted
        ? `the probe function did not answer within ${timeoutMs / 1000} s`
        : e instanceof ProbeInvokeError
          ? e.message
          : `the probe function could not be invoked (${errorName(e)})`;
      options.log?.warn("dry run: sources not probed", { reason: why });
      return new Map(srcs.map((src) => [src, notProbed(why)]));
    }
  };
}

class ProbeInvokeError extends Error {
  override name = "ProbeInvokeError";
}

const notProbed = (why: string): SourceProbe => ({
  status: "not_probed",
  bytesRead: 0,
  note: `not probed: ${why}; the render checks it when the job runs`,
});

function errorName(e: unknown): string {
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : "error";
}
