import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

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
