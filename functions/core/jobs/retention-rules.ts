/**
 * How long each prefix of the bucket lives. This is the one definition: the CDK storage
 * construct turns it into S3 lifecycle rules, and local mode's sweeper applies the same rules because
 * the emulator stores lifecycle configuration but never enforces it. Pure data, so local mode imports
 * it without pulling in the CDK.
 */

export interface RetentionRule {
  /** Stable rule id, also the S3 lifecycle rule id. */
  readonly id: string;
  /** Key prefix the rule covers (always ends with `/`). */
  readonly prefix: string;
  /** Objects expire this many days after they were last written. */
  readonly expireAfterDays: number;
}

/** @default 7, overridden by `VIDEOCRAFT_STORAGE_RETENTION_DAYS` / the `retentionDays` CDK context. */
export const DEFAULT_VIDEO_RETENTION_DAYS = 7;

/** Multipart uploads that never completed (a worker killed mid-upload) are aborted after this many days. */
export const ABORT_INCOMPLETE_MULTIPART_AFTER_DAYS = 1;

/** How long a job's request and status are kept, unless videos are kept longer. */
export const JOB_RETENTION_DAYS = 30;

/**
 * The rules for a given video retention. `jobs/` lives at least as long as `videos/`: a video is
 * served through its job's status, so a video outliving its job could not be reached but would
 * still be billed.
 */
export function retentionRules(videoRetentionDays = DEFAULT_VIDEO_RETENTION_DAYS): readonly RetentionRule[] {
  return Object.freeze([
    { id: "expire-videos", prefix: "videos/", expireAfterDays: videoRetentionDays },
    { id: "expire-jobs", prefix: "jobs/", expireAfterDays: Math.max(JOB_RETENTION_DAYS, videoRetentionDays) },
    { id: "expire-cache", prefix: "cache/", expireAfterDays: 14 },
    { id: "expire-uploads", prefix: "uploads/", expireAfterDays: 7 },
  ]);
}

/**
 * Prefixes no rule expires, on purpose: a stored template is configuration a client renders from
 * for as long as it exists, so it is kept until its owner deletes it (`DELETE /v1/templates/{id}`).
 * A test checks that no rule above covers them.
 */
export const KEPT_PREFIXES: readonly string[] = Object.freeze(["templates/"]);

/** The rules with the default video retention. */
export const RETENTION_RULES: readonly RetentionRule[] = retentionRules();
