import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import type { EmbeddedStack } from "../../local/embedded-stack.js";

/** New S3 and SQS clients signed for `stack`'s emulator (the caller destroys them). */
export function clientsOfStack(stack: EmbeddedStack): AwsClients {
  return createAwsClients({
    region: "us-east-1",
    awsEndpoint: stack.endpoint,
    awsEndpointSecret: stack.secret,
  });
}
