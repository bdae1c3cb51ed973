import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import {
  ABORT_INCOMPLETE_MULTIPART_AFTER_DAYS,
  retentionRules,
} from "../functions/core/jobs/retention-rules.js";

export interface StorageProps {
  /** Days `videos/` are kept (the `retentionDays` setting, infra/settings.ts). */
  readonly videoRetentionDays: number;
  /** Origins that may use presigned GET/PUT URLs from a browser. */
  readonly corsOrigins: readonly string[];
}

/**
 * The one bucket (docs/architecture.md, "Storage layout"): requests, statuses, videos, uploads and caches
 * under fixed prefixes.
 */
export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    // Access logs are the audit trail for presigned URLs, which bypass the API and its access log.
    this.accessLogsBucket = new s3.Bucket(this, "AccessLogs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server-access-log target; logging it into itself would log every log delivery.",
    });

    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Objects are rewritten (status.json) and expire by lifecycle; old versions would only cost money.
      versioned: false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "bucket/",
      cors: [
        {
          // Browsers download finished videos and upload assets straight to S3 with presigned URLs.
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.PUT],
          allowedOrigins: [...props.corsOrigins],
          allowedHeaders: ["*"],
          exposedHeaders: ["ETag", "Content-Length", "Content-Type"],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        ...retentionRules(props.videoRetentionDays).map((rule) => ({
          id: rule.id,
          prefix: rule.prefix,
          expiration: Duration.days(rule.expireAfterDays),
        })),
        {
          id: "abort-incomplete-multipart",
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_MULTIPART_AFTER_DAYS),
        },
      ],
      // Rendered videos and user uploads are user data: `cdk destroy` leaves the bucket (docs/deploy.md).
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
