import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../core/config.js";

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
}

/**
 * One place decides how the SDK reaches storage and the queue, so the API, the render worker
 * and the local stack cannot drift apart.
 */
export function createAwsClients(config: Pick<Config, "region" | "awsEndpoint">): AwsClients {
  const local = config.awsEndpoint
    ? {
        endpoint: config.awsEndpoint,
        // The emulator never checks signatures, but the SDK refuses to sign without credentials;
        // fixed dummies keep a developer's real AWS profile out of local runs.
        credentials: { accessKeyId: "videocraft-local", secretAccessKey: "videocraft-local" },
      }
    : {};
  const s3 = new S3Client({
    region: config.region,
    ...local,
    // Bucket-in-hostname needs wildcard DNS for 127.0.0.1; path style needs nothing.
    forcePathStyle: Boolean(config.awsEndpoint),
    // Default CRC checksums get baked into presigned PUT URLs, and browsers/curl uploading to them
    // don't send the matching header, so real S3 rejects the upload (SPEC §8).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const sqs = new SQSClient({ region: config.region, ...local });
  return { s3, sqs };
}
