import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../core/config.js";
import { traceAwsClient } from "./aws-tracing.js";

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
}

/** The access key id for an emulator endpoint; the secret comes from the config. */
export const ENDPOINT_ACCESS_KEY_ID = "videocraft-local";

/** Any SDK v3 client: what `AwsClientOptions.instrument` receives. */
export type AnyAwsClient = S3Client | SQSClient | CloudWatchClient | LambdaClient;

export interface AwsClientOptions {
  /**
   * Called with each client before it is used, to add SDK middleware (tests record every call
   * a function makes and check it against the function's IAM role).
   */
  instrument?: (client: AnyAwsClient) => void;
}

/** Where the SDK sends requests: AWS by region, or an emulator endpoint signed with its secret. */
export type EndpointConfig = Pick<Config, "region" | "awsEndpoint"> &
  Partial<Pick<Config, "awsEndpointSecret">>;

/**
 * One place decides how the SDK reaches storage and the queue, so the API, the render worker
 * and the local stack cannot drift apart. On Lambda with tracing on, each call becomes an X-Ray
 * subsegment (aws-tracing.ts).
 */
export function createAwsClients(config: EndpointConfig, options: AwsClientOptions = {}): AwsClients {
  const local = localEndpoint(config);
  const s3 = new S3Client({
    region: config.region,
    ...local,
    // Bucket-in-hostname needs wildcard DNS for 127.0.0.1; path style needs nothing.
    forcePathStyle: Boolean(config.awsEndpoint),
    // Default CRC checksums get baked into presigned PUT URLs, and browsers/curl uploading to them
    // don't send the matching header, so real S3 rejects the upload.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const sqs = new SQSClient({ region: config.region, ...local });
  return { s3: prepareAwsClient(s3, options), sqs: prepareAwsClient(sqs, options) };
}

/** Instruments (tests) and traces (Lambda) a client; every client the functions use goes through here. */
export function prepareAwsClient<T extends AnyAwsClient>(client: T, options: AwsClientOptions): T {
  options.instrument?.(client);
  return traceAwsClient(client);
}

function localEndpoint(config: Omit<EndpointConfig, "region">) {
  return config.awsEndpoint
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
}
