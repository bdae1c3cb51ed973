import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { PROBE_DEADLINE_MS } from "../../functions/render/pipeline/probe-source-head.js";
import { API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS } from "../../infra/api.js";
import { parseSettings, RENDER_EVENT_SOURCES } from "../../infra/settings.js";
import { buildApp, type CfnResource, FAST_APP, NO_BUNDLING, resolveIntrinsics } from "./synth-app.js";

/**
 * Rules AWS enforces that the embedded emulator does not: account concurrency, integration
 * timeouts, what CloudFormation and API Gateway create on their own, and per-stack metrics.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape.
type Json = Record<string, any>;

function synth(context: Record<string, unknown> = {}) {
  const { stack } = buildApp({ ...NO_BUNDLING, ...context }, FAST_APP);
  const json = Template.fromStack(stack).toJSON() as { Resources: Record<string, CfnResource & Json> };
  const of = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  const props = (r: CfnResource | undefined) => (r?.Properties ?? {}) as Json;
  const imageFunction = (command: string) => {
    const found = of("AWS::Lambda::Function").find(([, r]) => props(r).ImageConfig?.Command?.[0] === command);
    if (!found) throw new Error(`no image function with command ${command}`);
    return found;
  };
  const apiFunction = () => {
    const found = of("AWS::Lambda::Function").find(([, r]) =>
      JSON.stringify(props(r).Description ?? "").includes("HTTP API"),
    );
    if (!found) throw new Error("no API function");
    return found;
  };
  const mappingsOf = (fnId: string) =>
    of("AWS::Lambda::EventSourceMapping")
      .map(([, r]) => props(r))
      .filter((m) => m.FunctionName?.Ref === fnId);
  return { stack, json, of, props, imageFunction, apiFunction, mappingsOf };
}

const defaults = synth();

describe("Lambda concurrency on a real account", () => {
  it("reserves no render concurrency by default, so a new account (quota 10) can deploy", () => {
    const [, worker] = defaults.imageFunction("handler.handler");
    expect(defaults.props(worker)).not.toHaveProperty("ReservedConcurrentExecutions");
    for (const [, fn] of defaults.of("AWS::Lambda::Function")) {
      expect(defaults.props(fn)).not.toHaveProperty("ReservedConcurrentExecutions");
    }
  });

  it("rejects a reservation below the sum of the render function's event-source maxima", () => {
    expect(() => parseSettings({ renderReservedConcurrency: 10, renderMaxConcurrency: 10 })).toThrow(
      /renderReservedConcurrency/,
    );
    expect(() => parseSettings({ renderReservedConcurrency: 19, renderMaxConcurrency: 10 })).toThrow(
      /renderReservedConcurrency/,
    );
    expect(parseSettings({ renderReservedConcurrency: 20, renderMaxConcurrency: 10 })).toMatchObject({
      renderReservedConcurrency: 20,
    });
  });

  it("counts every event source of the render function, and a valid reservation covers them all", () => {
    const reserved = synth({ renderReservedConcurrency: 30, renderMaxConcurrency: 15 });
    const [workerId, worker] = reserved.imageFunction("handler.handler");
    const mappings = reserved.mappingsOf(workerId);
    expect(mappings).toHaveLength(RENDER_EVENT_SOURCES);
    const sum = mappings.reduce((n, m) => n + (m.ScalingConfig?.MaximumConcurrency as number), 0);
    expect(reserved.props(worker).ReservedConcurrentExecutions).toBe(30);
    expect(sum).toBeLessThanOrEqual(30);
  });
});

describe("timeouts", () => {
  it("ends the API function before API Gateway's 29 s integration timeout, after the dry run's probing", () => {
    const [, api] = defaults.apiFunction();
    const timeout = defaults.props(api).Timeout as number;
    expect(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS).toBe(29);
    expect(timeout).toBeLessThan(29);
    expect(timeout * 1000).toBeGreaterThan(PROBE_DEADLINE_MS);
  });
});

describe("render limits from the function's size", () => {
  const MiB = 1024 ** 2;
  const configOf = (s: ReturnType<typeof synth>, [, fn]: [string, CfnResource]) =>
    loadConfig({
      AWS_REGION: "eu-west-1",
      ...Object.fromEntries(
        Object.entries(s.props(fn).Environment.Variables as Record<string, unknown>).map(([k, v]) => [
          k,
          resolveIntrinsics(s.json, v),
        ]),
      ),
    });

  it("leaves Node.js and the baked-in speech model their memory, and /tmp room for segments and output", () => {
    const big = synth({ renderMemoryMb: 10240, whisperModel: "small", renderEphemeralStorageMb: 2048 });
    for (const fn of [big.apiFunction(), big.imageFunction("handler.handler")]) {
      const config = configOf(big, fn);
      expect(config.ffmpeg.maxMemoryBytes).toBe((10240 - 256 - 852) * MiB);
      expect(config.maxJobSourceBytes).toBe(Math.floor(2048 * 0.4) * MiB);
    }
    const tiny = synth({ renderMemoryMb: 2048, whisperModel: "tiny.en", renderEphemeralStorageMb: 512 });
    const config = configOf(tiny, tiny.imageFunction("handler.handler"));
    expect(config.ffmpeg.maxMemoryBytes).toBe((2048 - 256 - 273) * MiB);
    expect(config.maxJobSourceBytes).toBe(Math.floor(512 * 0.4) * MiB);
  });

  it("refuses a render function too small to leave ffmpeg 512 MB", () => {
    expect(() => parseSettings({ renderMemoryMb: 1024, whisperModel: "small" })).toThrow(/renderMemoryMb/);
    expect(parseSettings({ renderMemoryMb: 1280, whisperModel: "tiny" })).toMatchObject({
      renderMemoryMb: 1280,
    });
  });
});

describe("presigned links", () => {
  it("passes the link lifetime to every function and refuses one S3 would not honour", () => {
    expect(() => parseSettings({ presignExpiresSeconds: 604_801 })).toThrow(/presignExpiresSeconds/);
    const s = synth({ presignExpiresSeconds: 86_400 });
    for (const [, fn] of [
      s.apiFunction(),
      s.imageFunction("handler.handler"),
      s.imageFunction("handler.deadLetterHandler"),
    ]) {
      expect(s.props(fn).Environment.Variables.VIDEOCRAFT_PRESIGN_EXPIRES).toBe("86400");
    }
  });
});

describe("logs", () => {
  it("creates API Gateway's execution log group itself, with the stack's retention, before the stage", () => {
    const groups = defaults
      .of("AWS::Logs::LogGroup")
      .filter(([, r]) =>
        JSON.stringify(defaults.props(r).LogGroupName ?? "").includes("API-Gateway-Execution-Logs_"),
      );
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0]!;
    const [restApiId] = defaults.of("AWS::ApiGateway::RestApi")[0]!;
    expect(resolveIntrinsics(defaults.json, defaults.props(group).LogGroupName)).toBe(
      `API-Gateway-Execution-Logs_${restApiId}-id/prod`,
    );
    expect(defaults.props(group).RetentionInDays).toBe(30);
    expect((group as Json).DeletionPolicy).toBe("Delete");
    const [, stage] = defaults.of("AWS::ApiGateway::Stage")[0]!;
    expect([(stage as Json).DependsOn].flat()).toContain(groupId);
    expect(defaults.props(stage).MethodSettings).toContainEqual(
      expect.objectContaining({ LoggingLevel: "ERROR" }),
    );
  });
});

describe("storage retention", () => {
  it.each([1, 7, 30, 90, 400])("keeps jobs/ at least as long as videos/ (retentionDays=%i)", (days) => {
    const { of, props } = synth({ retentionDays: days });
    const [, bucket] = of("AWS::S3::Bucket").find(([id]) => id.startsWith("StorageBucket"))!;
    const rules = props(bucket).LifecycleConfiguration.Rules as {
      Prefix?: string;
      ExpirationInDays?: number;
    }[];
    const days_ = (prefix: string) => rules.find((r) => r.Prefix === prefix)?.ExpirationInDays ?? 0;
    expect(days_("videos/")).toBe(days);
    expect(days_("jobs/")).toBeGreaterThanOrEqual(days_("videos/"));
  });
});

describe("monitoring on a shared account", () => {
  const alarms = (s: ReturnType<typeof synth>) => s.of("AWS::CloudWatch::Alarm").map(([, r]) => s.props(r));

  it("has an age or depth alarm on every queue: render, assembly and both dead-letter queues", () => {
    const queues = defaults.of("AWS::SQS::Queue").map(([id]) => id);
    expect(queues).toHaveLength(4);
    for (const queueId of queues) {
      const covering = alarms(defaults).filter(
        (a) =>
          a.Namespace === "AWS/SQS" &&
          ["ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesVisible"].includes(a.MetricName) &&
          a.Dimensions?.[0]?.Value?.["Fn::GetAtt"]?.[0] === queueId,
      );
      expect(covering.length, queueId).toBeGreaterThan(0);
    }
  });

  it("shows every queue on the dashboard", () => {
    const [, dashboard] = defaults.of("AWS::CloudWatch::Dashboard")[0]!;
    const body = JSON.stringify(defaults.props(dashboard).DashboardBody);
    for (const [queueId] of defaults.of("AWS::SQS::Queue")) expect(body, queueId).toContain(`"${queueId}"`);
  });

  it("alarms when the render function's p99 duration passes 80% of its timeout", () => {
    const [workerId, worker] = defaults.imageFunction("handler.handler");
    const timeoutMs = (defaults.props(worker).Timeout as number) * 1000;
    expect(alarms(defaults)).toContainEqual(
      expect.objectContaining({
        Namespace: "AWS/Lambda",
        MetricName: "Duration",
        ExtendedStatistic: "p99",
        Threshold: 0.8 * timeoutMs,
        Dimensions: [{ Name: "FunctionName", Value: { Ref: workerId } }],
      }),
    );
  });

  it("writes and reads metrics in a namespace of its own, so two stacks in one region never mix", () => {
    const namespaceOf = (s: ReturnType<typeof synth>) => {
      const envs = [
        s.apiFunction(),
        s.imageFunction("handler.handler"),
        s.imageFunction("handler.deadLetterHandler"),
      ].map(([, fn]) => s.props(fn).Environment.Variables as Record<string, unknown>);
      const values = new Set(envs.map((env) => env.VIDEOCRAFT_METRIC_NAMESPACE));
      expect(values.size).toBe(1);
      const [namespace] = [...values] as string[];
      // What the functions' loadConfig makes of it.
      expect(
        loadConfig({
          VIDEOCRAFT_BUCKET: "bucket",
          VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/q",
          VIDEOCRAFT_AUTH: "gateway",
          VIDEOCRAFT_METRIC_NAMESPACE: namespace,
        }).metricNamespace,
      ).toBe(namespace);
      // Every alarm on an EMF metric reads that namespace, directly or in a metric-math query.
      const emf = alarms(s).flatMap((a) => [
        ...(a.Namespace && !a.Namespace.startsWith("AWS/") ? [a.Namespace] : []),
        ...((a.Metrics ?? []) as Json[]).flatMap((m) =>
          m.MetricStat ? [m.MetricStat.Metric.Namespace] : [],
        ),
      ]);
      expect(emf.length).toBeGreaterThan(0);
      expect(new Set(emf)).toEqual(new Set([namespace]));
      const [, dashboard] = s.of("AWS::CloudWatch::Dashboard")[0]!;
      const body = JSON.stringify(s.props(dashboard).DashboardBody);
      expect(body).toContain(JSON.stringify(namespace).slice(1, -1));
      return namespace;
    };
    const first = namespaceOf(defaults);
    const second = namespaceOf(synth({ stackName: "VideoCraftStaging" }));
    expect(first).not.toBe(second);
  });
});

describe("tracing", () => {
  it("traces the API stage and every function by default, and turns all of it off with one setting", () => {
    for (const [, fn] of defaults.of("AWS::Lambda::Function")) {
      expect(defaults.props(fn).TracingConfig).toEqual({ Mode: "Active" });
      expect(defaults.props(fn).Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe("true");
    }
    expect(defaults.props(defaults.of("AWS::ApiGateway::Stage")[0]![1]).TracingEnabled).toBe(true);

    const off = synth({ tracing: "false" });
    for (const [, fn] of off.of("AWS::Lambda::Function")) {
      expect(off.props(fn).TracingConfig?.Mode ?? "PassThrough").toBe("PassThrough");
      expect(off.props(fn).Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe("false");
    }
    expect(off.props(off.of("AWS::ApiGateway::Stage")[0]![1]).TracingEnabled).toBe(false);
  });
});
