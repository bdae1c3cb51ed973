import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/**
 * The functions local mode plays, named like the deployed ones they stand for: the HTTP API, the
 * render worker (render and assembly queues) and the dead-letter handler (both dead-letter queues).
 */
export const LOCAL_FUNCTIONS = {
  api: "videocraft-api",
  render: "videocraft-render",
  deadLetter: "videocraft-dead-letter",
} as const;

/**
 * What local mode does in-process that AWS does elsewhere: S3 lifecycle rules (the service applies
 * them), and dry-run probing (the probe function, which the deployed API invokes).
 */
export const LOCAL_ONLY = {
  retentionSweeper: "videocraft-local-retention-sweeper",
  dryRunProbe: "videocraft-local-dry-run-probe",
} as const;

const running = new AsyncLocalStorage<string>();

/**
 * Runs `fn` as the named local function. Everything it starts (awaits, timers) stays attributed to
 * that function, so an AWS call can be traced back to the function that would make it on AWS.
 */
export function runAsLocalFunction<T>(functionName: string, fn: () => T): T {
  return running.run(functionName, fn);
}

/** The local function the caller runs inside, if any. */
export function currentLocalFunction(): string | undefined {
  return running.getStore();
}

/**
 * A Lambda `Context` for running handlers in-process. The deadline is real, so code that budgets
 * its work with `getRemainingTimeInMillis()` (the render worker stopping before its timeout)
 * behaves locally as it will on AWS.
 */
export function createLambdaContext(
  functionName: string,
  timeoutMs: number,
  requestId: string = randomUUID(),
): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error("callback-style Lambda completion is not supported; return a promise");
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
