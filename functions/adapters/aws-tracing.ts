import { Tracer } from "@aws-lambda-powertools/tracer";

/**
 * X-Ray through Powertools Tracer: every AWS SDK call becomes a subsegment of the Lambda
 * invocation's trace, so a slow S3 upload or SQS send shows up next to the function's own time.
 * Tracer switches itself off outside Lambda (local mode, tests) and when POWERTOOLS_TRACE_ENABLED
 * is false (the stack's `tracing` setting). Outgoing HTTP is not captured: source URLs and webhook
 * URLs can carry tokens, and a trace would record them.
 */
const tracer = new Tracer({ captureHTTPsRequests: false });

/** The client, wrapped so its calls are traced when tracing is on; unchanged otherwise. */
export function traceAwsClient<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
