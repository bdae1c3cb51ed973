import { Stack, Validations } from "aws-cdk-lib";
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
export type Prefix = "jobs" | "videos" | "uploads" | "cache";

export interface BucketAccess {
  /** GetObject/HeadObject (and presigned GETs) under these prefixes; ListBucket on the bucket. */
  readonly read?: readonly Prefix[];
  /** PutObject, multipart upload and its abort, under these prefixes. */
  readonly put?: readonly Prefix[];
  readonly delete?: readonly Prefix[];
}

/**
 * Sets `VIDEOCRAFT_BUCKET` and grants object access under whole prefixes only, acknowledging
 * exactly the cdk-nag wildcard findings those grants produce, so any other wildcard still fails synth.
 */
export function bindBucket(fn: lambda.Function, bucket: s3.Bucket, access: BucketAccess): void {
  fn.addEnvironment("VIDEOCRAFT_BUCKET", bucket.bucketName);
  const stack = Stack.of(bucket);
  const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)) as string;
  const acks = new Map<string, string>();
  const actions = (ids: string[], reason: string) => {
    for (const id of ids) acks.set(`AwsSolutions-IAM5[Action::${id}]`, reason);
  };
  for (const prefix of access.read ?? []) bucket.grantRead(fn, `${prefix}/*`);
  for (const prefix of access.put ?? []) bucket.grantPut(fn, `${prefix}/*`);
  for (const prefix of access.delete ?? []) bucket.grantDelete(fn, `${prefix}/*`);
  for (const prefix of new Set([...(access.read ?? []), ...(access.put ?? []), ...(access.delete ?? [])])) {
    acks.set(
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
      `Objects under ${prefix}/ are named by job id or content hash, known only at run time; the grant covers this one prefix of the stack's own bucket.`,
    );
  }
  if (access.read?.length) {
    actions(
      ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
      "CDK's read grant: read-only object and bucket actions (GetObject for downloads and presigned GETs, ListBucket for job listing), on this bucket only.",
    );
  }
  if (access.put?.length) {
    actions(
      ["s3:Abort*"],
      "s3:AbortMultipartUpload, which @aws-sdk/lib-storage calls to clean up a failed multipart upload, scoped to the granted prefixes.",
    );
  }
  if (access.delete?.length) {
    actions(
      ["s3:DeleteObject*"],
      "DeleteObject (and DeleteObjectVersion, inert on this unversioned bucket) on the granted prefixes only.",
    );
  }
  Validations.of(fn).acknowledge(...[...acks].map(([id, reason]) => ({ id, reason })));
}

export interface QueueAccess {
  /** SendMessage (CDK's send grant also allows GetQueueAttributes and GetQueueUrl). */
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
  if (access.send) queue.grantSendMessages(fn);
  if (access.depth) queue.grant(fn, "sqs:GetQueueAttributes");
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
