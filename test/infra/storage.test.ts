import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  ABORT_INCOMPLETE_MULTIPART_AFTER_DAYS,
  RETENTION_RULES,
  retentionRules,
} from "../../functions/core/jobs/retention-rules.js";
import { storageKeys } from "../../functions/core/jobs/storage-keys.js";
import { Storage } from "../../infra/storage.js";
import { CDK_JSON_CONTEXT, FAST_APP } from "./synth-app.js";

function storageTemplate(videoRetentionDays: number, corsOrigins = ["*"]) {
  const stack = new Stack(new App({ ...FAST_APP, context: CDK_JSON_CONTEXT }), "Test");
  const storage = new Storage(stack, "Storage", { videoRetentionDays, corsOrigins });
  const template = Template.fromStack(stack);
  const bucketId = stack.resolve(stack.getLogicalId(storage.bucket.node.defaultChild as never)) as string;
  return { template, bucketId };
}

type LifecycleRule = {
  Id: string;
  Prefix?: string;
  ExpirationInDays?: number;
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
  Status: string;
};

function lifecycleRules(template: Template, bucketId: string): LifecycleRule[] {
  const bucket = template.toJSON().Resources[bucketId];
  return bucket.Properties.LifecycleConfiguration.Rules;
}

describe("storage construct", () => {
  it("turns the shared retention definition into the bucket's lifecycle rules", () => {
    const { template, bucketId } = storageTemplate(7);
    const rules = lifecycleRules(template, bucketId);
    for (const rule of RETENTION_RULES) {
      expect(rules).toContainEqual(
        expect.objectContaining({
          Id: rule.id,
          Prefix: rule.prefix,
          ExpirationInDays: rule.expireAfterDays,
          Status: "Enabled",
        }),
      );
    }
    expect(rules).toContainEqual(
      expect.objectContaining({
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_AFTER_DAYS },
        Status: "Enabled",
      }),
    );
    expect(rules).toHaveLength(RETENTION_RULES.length + 1);
  });

  it("keeps the retention periods users are promised (videos and uploads 7 days, jobs 30, cache 14)", () => {
    const days = Object.fromEntries(RETENTION_RULES.map((r) => [r.prefix, r.expireAfterDays]));
    expect(days).toEqual({ "videos/": 7, "jobs/": 30, "cache/": 14, "uploads/": 7 });
    expect(ABORT_INCOMPLETE_MULTIPART_AFTER_DAYS).toBe(1);
    // The rules must cover the prefixes the job store writes.
    expect(storageKeys.video("X").startsWith("videos/")).toBe(true);
    expect(storageKeys.status("X").startsWith("jobs/")).toBe(true);
  });

  it("lets only videos/ follow the retentionDays setting", () => {
    const { template, bucketId } = storageTemplate(3);
    const rules = lifecycleRules(template, bucketId);
    expect(rules.find((r) => r.Prefix === "videos/")?.ExpirationInDays).toBe(3);
    expect(rules.find((r) => r.Prefix === "jobs/")?.ExpirationInDays).toBe(30);
    expect(retentionRules(3).find((r) => r.prefix === "videos/")?.expireAfterDays).toBe(3);
  });

  it("encrypts, blocks public access, keeps versioning off and logs access", () => {
    const { template, bucketId } = storageTemplate(7);
    template.hasResource("AWS::S3::Bucket", {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      }),
    });
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    // User data survives `cdk destroy`.
    expect(bucket.DeletionPolicy).toBe("Retain");
  });

  it("allows presigned GET and PUT from the configured origins", () => {
    const { template } = storageTemplate(7, ["https://app.example.com"]);
    template.hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: Match.arrayWith(["GET", "PUT"]),
            AllowedOrigins: ["https://app.example.com"],
          }),
        ],
      },
    });
  });

  it("denies every request that does not use TLS, on both buckets", () => {
    const { template } = storageTemplate(7);
    const policies = template.findResources("AWS::S3::BucketPolicy");
    expect(Object.keys(policies)).toHaveLength(2);
    template.allResourcesProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "s3:*",
            Principal: { AWS: "*" },
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });
});
