import { App, type AppProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { readSettings } from "./settings.js";
import { VideoCraftStack } from "./videocraft-stack.js";

/**
 * Builds the app the CLI synthesizes; tests call it too, so they check exactly what `cdk deploy`
 * ships, cdk-nag included.
 */
export function createApp(props: AppProps = {}): { app: App; stack: VideoCraftStack } {
  const app = new App(props);
  const settings = readSettings(app.node);
  const stackName = app.node.tryGetContext("stackName") ?? "VideoCraft";
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new VideoCraftStack(app, stackName, {
    settings,
    description: "VideoCraft Serverless: JSON-to-video on Lambda, S3 and SQS",
    ...(account && region ? { env: { account, region } } : {}),
  });
  // cdk-nag 3 is a policy-validation plugin: any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
