import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { buildApp, FAST_APP, NO_BUNDLING } from "./synth-app.js";

/** GET /v1/metrics and CORS on AWS: what the API function may read, and the origin it answers with. */
function template(context: Record<string, unknown> = {}) {
  const { stack } = buildApp({ ...NO_BUNDLING, ...context }, FAST_APP);
  return { stack, template: Template.fromStack(stack) };
}

describe("API function: metrics access and CORS origin", () => {
  it("may read the render queue's attributes (queue depth), on that queue only", () => {
    const { stack, template: t } = template();
    const queueArn = stack.resolve(stack.renderQueue.queue.queueArn);
    const apiRole = stack.resolve(
      (stack.api.handler.role?.node.defaultChild as { ref: string } | undefined)?.ref,
    );
    const statements = Object.values(
      t.findResources("AWS::IAM::Policy", { Properties: { Roles: [apiRole] } }),
    )
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .map((st) => ({ actions: [st.Action].flat(), resource: st.Resource }));
    expect(statements).toContainEqual({
      actions: expect.arrayContaining(["sqs:GetQueueAttributes"]),
      resource: queueArn,
    });
    expect(statements).toContainEqual({
      actions: expect.arrayContaining(["cloudwatch:GetMetricData"]),
      resource: "*",
    });
  });

  it("passes the CORS origins to the handler, which loadConfig accepts", () => {
    const { template: t } = template({ corsOrigins: "https://app.example.com,https://admin.example.com" });
    const fns = t.findResources("AWS::Lambda::Function", {
      Properties: { Environment: { Variables: { VIDEOCRAFT_CORS_ORIGIN: Match.anyValue() } } },
    });
    const values = Object.values(fns).map((f) => f.Properties.Environment.Variables.VIDEOCRAFT_CORS_ORIGIN);
    // The API function and the download function, which answers VideoCraft's downloads.
    expect(values).toEqual([
      "https://app.example.com,https://admin.example.com",
      "https://app.example.com,https://admin.example.com",
    ]);
    const config = loadConfig({
      VIDEOCRAFT_BUCKET: "bucket",
      VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/q",
      VIDEOCRAFT_AUTH: "gateway",
      VIDEOCRAFT_CORS_ORIGIN: values[0],
    });
    expect(config.corsOrigins).toEqual(["https://app.example.com", "https://admin.example.com"]);
  });
});
