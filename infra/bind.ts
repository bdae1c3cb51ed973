import { Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";

/**
 * A function learns about a resource and gets permission to use it in one call, so the variable
 * its code reads and the grant that code needs cannot drift apart. test/integration/iam-replay
 * checks the other direction: every call the code makes is allowed by what was bound here.
 */

/** The bucket's top-level prefixes (functions/core/jobs/storage-keys.ts). */
export type Prefix = "jobs" | "videos" | "uploads" | "cache" | "templates";

export interface BucketAccess {
  /**
   * GetObject (and HeadObject, ranged GETs, presigned GETs) under these prefixes, and ListBucket on
   * the bucket (key names only): S3 answers a read of a missing key with 403 instead of 404 unless
   * the caller may list, and the code tells "absent" (no status yet, no cancel marker) by that 404.
   * Listing is also how jobs and a fanned-out job's finished parts are found.
   */
  readonly read?: readonly Prefix[];
  /** PutObject of small objects (statuses, markers) under these prefixes. */
  readonly put?: readonly Prefix[];
  /**
   * Files streamed up with @aws-sdk/lib-storage under these prefixes: PutObject, multipart uploads
   * (also PutObject to IAM) and the AbortMultipartUpload that cleans up a failed one.
   */
  readonly upload?: readonly Prefix[];
  readonly delete?: readonly Prefix[];
}

/**
 * Sets `VIDEOCRAFT_BUCKET` and grants exactly the S3 actions the code calls, on whole prefixes only.
 * CDK's grantRead/grantPut would add actions nothing here uses (tagging, legal holds, bucket
 * reads); the IAM replay test lists each granted action and whether a run used it. The cdk-nag
 * finding for each prefix wildcard is acknowledged here, so any other wildcard still fails synth.
 */
export function bindBucket(fn: lambda.Function, bucket: s3.Bucket, access: BucketAccess): void {
  fn.addEnvironment("VIDEOCRAFT_BUCKET", bucket.bucketName);
  const stack = Stack.of(bucket);
  const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)) as string;
  const objects = (prefixes: readonly Prefix[]) => prefixes.map((p) => bucket.arnForObjects(`${p}/*`));
  const allow = (actions: string[], resources: string[]) => {
    if (resources.length > 0) fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  };
  allow(["s3:GetObject"], objects(access.read ?? []));
  if (access.read?.length) allow(["s3:ListBucket"], [bucket.bucketArn]);
  const uploads = access.upload ?? [];
  allow(["s3:PutObject"], objects([...new Set([...(access.put ?? []), ...uploads])]));
  allow(["s3:AbortMultipartUpload"], objects(uploads));
  allow(["s3:DeleteObject"], objects(access.delete ?? []));
  const prefixes = new Set([
    ...(access.read ?? []),
    ...(access.put ?? []),
    ...uploads,
    ...(access.delete ?? []),
  ]);
  Validations.of(fn).acknowledge(
    ...[...prefixes].map((prefix) => ({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
      reason: `Objects under ${prefix}/ are named by job id or content hash, known only at run time; the grant covers this one prefix of the stack's own bucket.`,
    })),
  );
}

export interface QueueAccess {
  readonly send?: boolean;
  /** GetQueueAttributes alone: the queue's depth. */
  readonly depth?: boolean;
}

/**
 * Sets `envName` to the queue's URL and grants what the code does with it. `{}` grants nothing:
 * for a function that must be told the address (its configuration requires it) but never calls
 * the queue; the IAM replay test would catch a call it makes anyway.
 */
export function bindQueue(
  fn: lambda.Function,
  queue: sqs.IQueue,
  envName: string,
  access: QueueAccess,
): void {
  fn.addEnvironment(envName, queue.queueUrl);
  // Exact actions: CDK's grantSendMessages adds GetQueueAttributes and GetQueueUrl, which sending does not need.
  if (access.send) queue.grant(fn, "sqs:SendMessage");
  if (access.depth) queue.grant(fn, "sqs:GetQueueAttributes");
}

/**
 * Sets `envName` to `target`'s ARN and lets `fn` invoke it, that one function (unqualified) only.
 */
export function bindFunction(fn: lambda.Function, target: lambda.IFunction, envName: string): void {
  fn.addEnvironment(envName, target.functionArn);
  // Not grantInvoke: it also allows every version and alias (`<arn>:*`), which nothing here calls.
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [target.functionArn] }),
  );
}

export interface ConsumeOptions {
  /** Concurrent invocations this source may start; SQS requires 2 to 1000. */
  readonly maxConcurrency: number;
  /** The handler returns `batchItemFailures`, so SQS retries only the failed message. */
  readonly reportBatchItemFailures?: boolean;
}

/**
 * Lambda's event source: SQS delivers the queue's messages to `fn`, one per invocation (a render
 * is one job; the dead-letter handler's retry stays on that one job). The event source mapping
 * polls, deletes and changes visibility with the function's role; CDK grants that here.
 */
export function consumeQueue(fn: lambda.Function, queue: sqs.IQueue, options: ConsumeOptions): void {
  fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: 1,
      maxConcurrency: options.maxConcurrency,
      ...(options.reportBatchItemFailures ? { reportBatchItemFailures: true } : {}),
    }),
  );
}
