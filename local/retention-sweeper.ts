import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { RetentionRule } from "../functions/core/jobs/retention-rules.js";
import type { Log } from "../functions/core/ports/log.js";

const DAY_MS = 24 * 3600 * 1000;

/**
 * Applies the bucket's lifecycle rules locally: the emulator stores lifecycle configuration but
 * never expires anything, so local mode deletes what S3 would have deleted, from the same rules.
 */
export async function sweepExpiredObjects(
  s3: S3Client,
  bucket: string,
  rules: readonly RetentionRule[],
  now: Date,
): Promise<{ deleted: string[] }> {
  const deleted: string[] = [];
  for (const rule of rules) {
    const cutoff = now.getTime() - rule.expireAfterDays * DAY_MS;
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: rule.prefix, ContinuationToken: token }),
      );
      const expired = (page.Contents ?? [])
        .filter((o) => o.Key && o.LastModified && o.LastModified.getTime() <= cutoff)
        .map((o) => o.Key as string);
      if (expired.length > 0) {
        await s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: expired.map((Key) => ({ Key })) } }),
        );
        deleted.push(...expired);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return { deleted };
}

/** Sweeps at start and then every `intervalMs` (default hourly) until stopped. */
export function startRetentionSweeper(o: {
  s3: S3Client;
  bucket: string;
  rules: readonly RetentionRule[];
  log: Log;
  intervalMs?: number;
}): { stop(): void } {
  const sweep = () =>
    sweepExpiredObjects(o.s3, o.bucket, o.rules, new Date()).then(
      ({ deleted }) => {
        if (deleted.length > 0)
          o.log.info("retention sweep deleted expired objects", { count: deleted.length });
      },
      (e: unknown) => o.log.warn("retention sweep failed", { error: (e as Error).message }),
    );
  void sweep();
  const timer = setInterval(sweep, o.intervalMs ?? 3600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
