import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { Config } from "../core/config.js";
import { type AwsClientOptions, prepareAwsClient } from "./aws-clients.js";

/**
 * The CloudWatch client GET /v1/metrics reads with on AWS (the emulator has no CloudWatch). Its own
 * module, so the render bundle, which never reads metrics, does not carry the CloudWatch SDK.
 */
export function createCloudWatchClient(
  config: Pick<Config, "region">,
  options: AwsClientOptions = {},
): CloudWatchClient {
  return prepareAwsClient(new CloudWatchClient({ region: config.region }), options);
}
