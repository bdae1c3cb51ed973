import type { AnyAwsClient } from "../../functions/adapters/aws-clients.js";
import { currentLocalFunction } from "../../local/lambda-context.js";

/** One AWS API call as the SDK was asked to make it. */
export interface RecordedAwsCall {
  /** The local function it ran in (local/lambda-context.ts), undefined outside any. */
  functionName: string | undefined;
  /** `S3`, `SQS`, `CloudWatch`, `Lambda`. */
  service: string;
  /** The SDK operation: `HeadObject`, `SendMessage`, … */
  operation: string;
  /** `Bucket`, `Key`, `QueueUrl`, `QueueName`, `FunctionName`, and for batch deletes the keys. */
  input: {
    Bucket?: string;
    Key?: string;
    QueueUrl?: string;
    QueueName?: string;
    FunctionName?: string;
    Keys?: string[];
  };
  /** A presigned URL was made instead of a request: it works only if the role may make the call. */
  presigned: boolean;
  /** How the call ended; `not-found`: the emulator answered 404 (S3 answers 403 without s3:ListBucket). */
  outcome?: "ok" | "not-found" | "error";
}

const RECORD = Symbol("recorded-aws-call");

/**
 * Records every call made through the clients it instruments, with the local function it ran in.
 * Two SDK middlewares: one at `initialize` notes the call; one after signing marks it sent. A
 * presigned URL stops before signing (getSignedUrl intercepts ahead of the auth middleware), so a
 * call never marked sent was a presign.
 */
export class AwsCallRecorder {
  readonly calls: RecordedAwsCall[] = [];

  /** Pass as `instrument` (AwsClientOptions) or call on any SDK v3 client. */
  readonly instrument = (client: AnyAwsClient): void => {
    const stack = client.middlewareStack as unknown as MiddlewareStack;
    stack.add(
      (next, context) => async (args) => {
        const input = (args.input ?? {}) as Record<string, unknown>;
        const deleteKeys = (input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects;
        const call: RecordedAwsCall = {
          functionName: currentLocalFunction(),
          service: String(context.clientName ?? "").replace(/Client$/, ""),
          operation: String(context.commandName ?? "").replace(/Command$/, ""),
          input: {
            ...pick(input, ["Bucket", "Key", "QueueUrl", "QueueName", "FunctionName"]),
            ...(deleteKeys ? { Keys: deleteKeys.map((o) => o.Key ?? "") } : {}),
          },
          presigned: true,
        };
        this.calls.push(call);
        context[RECORD] = call;
        try {
          const output = await next(args);
          call.outcome = "ok";
          return output;
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
          const missing =
            e.$metadata?.httpStatusCode === 404 || e.name === "NoSuchKey" || e.name === "NotFound";
          call.outcome = missing ? "not-found" : "error";
          throw err;
        }
      },
      { step: "initialize", priority: "high", name: "iamReplayRecordCall" },
    );
    stack.add(
      (next, context) => async (args) => {
        const call = context[RECORD] as RecordedAwsCall | undefined;
        if (call) call.presigned = false;
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "iamReplayMarkSent" },
    );
  };
}

type Handler = (args: { input?: unknown }) => Promise<unknown>;
interface MiddlewareStack {
  add(
    middleware: (next: Handler, context: Record<string | symbol, unknown>) => Handler,
    options: { step: string; priority: string; name: string },
  ): void;
}

function pick(input: Record<string, unknown>, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) if (typeof input[key] === "string") out[key] = input[key];
  return out;
}
