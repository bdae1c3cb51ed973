import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../core/config.js";

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
}

/** The access key id for an emulator endpoint; the secret comes from the config. */
export const ENDPOINT_ACCESS_KEY_ID = "videocraft-local";

/**
 * One place decides how the SDK reaches storage and the queue, so the API, the render worker
 * and the local stack cannot drift apart.
 */
export function createAwsClients(
  config: Pick<Config, "region" | "awsEndpoint"> & Partial<Pick<Config, "awsEndpointSecret">>,
): AwsClients {
  const local = config.awsEndpoint
    ? {
        endpoint: config.awsEndpoint,
        // The embedded emulator accepts only requests signed with its per-run secret; explicit
        // credentials also keep a developer's real AWS profile out of local runs.
        credentials: {
          accessKeyId: ENDPOINT_ACCESS_KEY_ID,
          secretAccessKey: config.awsEndpointSecret ?? "videocraft-local",
        },
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
