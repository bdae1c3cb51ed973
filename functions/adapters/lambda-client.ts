import { LambdaClient } from "@aws-sdk/client-lambda";
import type { Config } from "../core/config.js";
import { type AwsClientOptions, prepareAwsClient } from "./aws-clients.js";

/**
 * The Lambda client the API invokes the probe function with. Its own module, so only what invokes
 * a function carries the Lambda SDK. The SDK's own retries stay on (a throttled invoke is retried),
 * bounded by the caller's deadline.
 */
export function createLambdaClient(
  config: Pick<Config, "region">,
  options: AwsClientOptions = {},
): LambdaClient {
  return prepareAwsClient(new LambdaClient({ region: config.region }), options);
}
