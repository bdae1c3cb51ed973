import * as sqs from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { buildApp, FAST_APP, NO_BUNDLING } from "./synth-app.js";

/** Unacknowledged cdk-nag findings, as "RuleId: construct path" lines so a failure names them. */
function findings(extraContext: Record<string, unknown> = {}) {
  const { app, stack } = buildApp({ ...NO_BUNDLING, ...extraContext }, FAST_APP);
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName}: ${r.constructPath}`),
  );
}

describe("cdk-nag AwsSolutions", () => {
  it("has no unacknowledged error or warning with the default settings", () => {
    expect(findings()).toEqual([]);
  });

  it("has none with an alarm e-mail topic, an arm64 worker with reserved concurrency, tracing off", () => {
    expect(
      findings({
        alarmEmail: "ops@example.com",
        renderArchitecture: "arm64",
        renderReservedConcurrency: 20,
        tracing: "false",
      }),
    ).toEqual([]);
  });

  it("runs on every synth: a new unacknowledged finding fails `cdk synth`", () => {
    const { app, stack } = buildApp(NO_BUNDLING, FAST_APP);
    new sqs.Queue(stack, "PlainQueue");
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS[34]/);
  });

  it("acknowledges every finding with a concrete reason", () => {
    const { stack } = buildApp(NO_BUNDLING, FAST_APP);
    const acks = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === "aws:cdk:acknowledged-rules")
      .flatMap((m) => Object.entries(m.data as Record<string, string | { reason?: string }>));
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, value] of acks) {
      const reason = typeof value === "string" ? value : (value?.reason ?? "");
      expect(reason.length, id).toBeGreaterThan(40);
    }
  });
});
