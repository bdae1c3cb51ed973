import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { parseSettings, SETTING_KEYS } from "../../infra/settings.js";
import {
  CDK_JSON_CONTEXT,
  type CfnResource,
  type CfnTemplate,
  resolveIntrinsics,
  resourcesOfType,
  synthTemplate,
} from "./synth-app.js";

type Synth = ReturnType<typeof synthTemplate>;
let synth: Synth;
let json: CfnTemplate;

beforeAll(() => {
  synth = synthTemplate();
  json = synth.json;
});

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions below check its shape.
type Json = Record<string, any>;
const props = (r: CfnResource | undefined) => (r?.Properties ?? {}) as Json;
const functions = () => resourcesOfType(json, "AWS::Lambda::Function");
const imageFunction = (command: string) => {
  const found = functions().find(([, r]) => props(r).ImageConfig?.Command?.[0] === command);
  if (!found) throw new Error(`no image function with command ${command}`);
  return found;
};
const apiFunction = () => {
  const found = functions().find(([id]) => id.startsWith("ApiHandler"));
  if (!found) throw new Error("no API function");
  return found;
};
const downloadFunction = () => {
  const found = functions().find(([id]) => id.startsWith("ApiDownloadStream"));
  if (!found) throw new Error("no download function");
  return found;
};

describe("synth", () => {
  it("passes cdk-nag and CDK's built-in CloudFormation validation without a finding", () => {
    const report = JSON.parse(readFileSync(path.join(synth.app.outdir, "validation-report.json"), "utf8"));
    expect(report.pluginReports).toEqual([]);
  });
});

describe("settings", () => {
  it("cdk.json holds every setting, at the code defaults", () => {
    const defaults = parseSettings({});
    const fromCdkJson = Object.fromEntries(
      SETTING_KEYS.filter((k) => k in CDK_JSON_CONTEXT).map((k) => [k, CDK_JSON_CONTEXT[k]]),
    );
    // alarmEmail has no default: unset means no SNS topic.
    const { alarmEmail: _, ...expected } = defaults;
    expect(fromCdkJson).toEqual(expected);
  });

  it("rejects a bad context value naming the key", () => {
    expect(() => parseSettings({ renderArchitecture: "sparc" })).toThrow(/renderArchitecture/);
    expect(() => parseSettings({ renderReservedConcurrency: 4, renderMaxConcurrency: 10 })).toThrow(
      /renderReservedConcurrency/,
    );
    expect(
      parseSettings({ renderMemoryMb: "4096", corsOrigins: "https://a.example, https://b.example" }),
    ).toMatchObject({
      renderMemoryMb: 4096,
      corsOrigins: ["https://a.example", "https://b.example"],
    });
  });
});

describe("render worker", () => {
  it("sizes the function from context: memory, timeout, /tmp, architecture", () => {
    const [, fn] = imageFunction("handler.handler");
    expect(props(fn)).toMatchObject({
      PackageType: "Image",
      MemorySize: 3008,
      Timeout: 900,
      EphemeralStorage: { Size: 10240 },
      Architectures: ["x86_64"],
    });
  });

  it("takes one message at a time, reports item failures and caps concurrency", () => {
    const [workerId] = imageFunction("handler.handler");
    synth.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: workerId },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it("keeps a render message invisible for at least 6× the worker timeout", () => {
    const [workerId, worker] = imageFunction("handler.handler");
    const mapping = resourcesOfType(json, "AWS::Lambda::EventSourceMapping").find(
      ([, r]) => props(r).FunctionName?.Ref === workerId,
    );
    const queueId = props(mapping?.[1]).EventSourceArn["Fn::GetAtt"][0] as string;
    const queue = props(json.Resources[queueId]);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * props(worker).Timeout);
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(3);
  });

  it("runs the dead-letter handler from the same image on the DLQ", () => {
    const [workerId, worker] = imageFunction("handler.handler");
    const [dlqFnId, dlqFn] = imageFunction("handler.deadLetterHandler");
    expect(props(dlqFn).Code).toEqual(props(worker).Code);
    const mappings = resourcesOfType(json, "AWS::Lambda::EventSourceMapping");
    const source = (fnId: string) =>
      props(mappings.find(([, r]) => props(r).FunctionName?.Ref === fnId)?.[1]).EventSourceArn[
        "Fn::GetAtt"
      ][0];
    const renderQueueId = source(workerId);
    const dlqId = source(dlqFnId);
    expect(props(json.Resources[renderQueueId]).RedrivePolicy.deadLetterTargetArn).toEqual({
      "Fn::GetAtt": [dlqId, "Arn"],
    });
    // Lambda rejects an event source whose visibility timeout is below the function timeout.
    expect(props(json.Resources[dlqId]).VisibilityTimeout).toBeGreaterThanOrEqual(props(dlqFn).Timeout);
  });

  it("fans out: the render function also consumes the FIFO assembly queue and knows its URL", () => {
    const [workerId, worker] = imageFunction("handler.handler");
    const [dlqFnId] = imageFunction("handler.deadLetterHandler");
    const mappings = resourcesOfType(json, "AWS::Lambda::EventSourceMapping");
    const queuesOf = (fnId: string) =>
      mappings
        .filter(([, r]) => props(r).FunctionName?.Ref === fnId)
        .map(([, r]) => json.Resources[props(r).EventSourceArn["Fn::GetAtt"][0] as string]);
    const fifo = queuesOf(workerId).filter((q) => props(q).FifoQueue === true);
    expect(fifo).toHaveLength(1);
    expect(props(fifo[0]).ContentBasedDeduplication).toBe(false);
    expect(queuesOf(dlqFnId).filter((q) => props(q).FifoQueue === true)).toHaveLength(1);
    expect(props(worker).Environment.Variables.VIDEOCRAFT_ASSEMBLY_QUEUE_URL).toBeDefined();
  });

  it("builds the image from layers/render-image with a context that hashes only what the Dockerfile copies", () => {
    const assets = readFileSync(path.join(synth.app.outdir, `${synth.stack.artifactId}.assets.json`), "utf8");
    const images = Object.values(JSON.parse(assets).dockerImages ?? {}) as {
      source: { directory: string; dockerFile: string; dockerBuildArgs: Record<string, string> };
    }[];
    // Both functions share one image asset.
    expect(images).toHaveLength(1);
    const source = images[0]!.source;
    expect(source.dockerFile).toBe("layers/render-image/Dockerfile");
    expect(source.dockerBuildArgs).toEqual({ WHISPER_MODEL: "base" });
    const dir = path.join(synth.app.outdir, source.directory);
    for (const needed of [
      "package.json",
      "package-lock.json",
      "functions/render/handler.ts",
      "scripts/build-whisper.sh",
      "layers/render-image/fonts.conf",
      "layers/render-image/lambda-entrypoint.sh",
    ]) {
      expect(existsSync(path.join(dir, needed)), needed).toBe(true);
    }
    for (const unwanted of ["node_modules", ".git", "cdk.out", "test", "infra", "out"]) {
      expect(existsSync(path.join(dir, unwanted)), unwanted).toBe(false);
    }
  });
});

describe("dry-run probe function", () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const roleStatementsOf = (fnId: string): Statement[] => {
    const role = props(json.Resources[fnId]).Role["Fn::GetAtt"][0];
    return resourcesOfType(json, "AWS::IAM::Policy")
      .filter(([, r]) => (props(r).Roles as { Ref: string }[]).some((x) => x.Ref === role))
      .flatMap(([, r]) => props(r).PolicyDocument.Statement);
  };

  it("runs the render image with CMD handler.probeHandler, small: 1024 MB, 25 s, no reservation", () => {
    const [, worker] = imageFunction("handler.handler");
    const [, probe] = imageFunction("handler.probeHandler");
    expect(props(probe).Code).toEqual(props(worker).Code);
    expect(props(probe)).toMatchObject({ PackageType: "Image", MemorySize: 1024, Timeout: 25 });
    expect(props(probe)).not.toHaveProperty("ReservedConcurrentExecutions");
    // Invoked directly by the API, never by a queue.
    const [probeId] = imageFunction("handler.probeHandler");
    expect(
      resourcesOfType(json, "AWS::Lambda::EventSourceMapping").filter(
        ([, r]) => props(r).FunctionName?.Ref === probeId,
      ),
    ).toEqual([]);
  });

  it("is named to the API, which may invoke exactly that function and no other", () => {
    const [probeId] = imageFunction("handler.probeHandler");
    const [apiId, api] = apiFunction();
    const arn = { "Fn::GetAtt": [probeId, "Arn"] };
    expect(props(api).Environment.Variables.VIDEOCRAFT_PROBE_FUNCTION).toEqual(arn);
    const lambdaStatements = roleStatementsOf(apiId).filter((st) =>
      [st.Action].flat().some((a) => a.startsWith("lambda:")),
    );
    expect(lambdaStatements).toEqual([{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: arn }]);
    for (const [fnId] of functions().filter(([id]) => id !== apiId)) {
      const invokes = roleStatementsOf(fnId).filter((st) =>
        [st.Action].flat().some((a) => a.startsWith("lambda:")),
      );
      expect(invokes, fnId).toEqual([]);
    }
  });

  it("reads uploaded sources (uploads/) and nothing else of the bucket", () => {
    const [probeId] = imageFunction("handler.probeHandler");
    const s3 = roleStatementsOf(probeId).filter((st) => [st.Action].flat().some((a) => a.startsWith("s3:")));
    expect(s3.map((st) => [st.Action, resolveIntrinsics(json, st.Resource)])).toEqual([
      ["s3:GetObject", expect.stringMatching(/\/uploads\/\*$/)],
      // Key names only: S3 answers a missing upload 404 (not 403) to a caller that may list.
      ["s3:ListBucket", expect.not.stringContaining("/")],
    ]);
    const others = roleStatementsOf(probeId).flatMap((st) => [st.Action].flat());
    expect(others.filter((a) => !a.startsWith("s3:") && !a.startsWith("xray:"))).toEqual([]);
  });
});

describe("api", () => {
  it("runs the API handler on nodejs24.x", () => {
    const [, fn] = apiFunction();
    expect(props(fn)).toMatchObject({ Runtime: "nodejs24.x", Handler: "index.handler" });
  });

  it("ships an ES module bundle without CDK or test libraries in it", () => {
    const [, fn] = apiFunction();
    const key = resolveIntrinsics(json, props(fn).Code.S3Key);
    const dir = path.join(synth.app.outdir, `asset.${key.replace(/\.zip$/, "")}`);
    const bundle = readFileSync(path.join(dir, "index.mjs"), "utf8");
    expect(bundle).toContain("createRequire");
    // The source map names every module in the bundle.
    const map = JSON.parse(readFileSync(path.join(dir, "index.mjs.map"), "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.includes("functions/api/handler.ts"))).toBe(true);
    for (const heavy of [
      "node_modules/aws-cdk-lib/",
      "node_modules/cdk-nag/",
      "node_modules/vitest/",
      "node_modules/constructs/",
      "/infra/",
    ]) {
      expect(
        map.sources.filter((s) => s.includes(heavy)),
        heavy,
      ).toEqual([]);
    }
    expect(statSync(path.join(dir, "index.mjs")).size).toBeLessThan(5 * 1024 ** 2);
    expect(readdirSync(dir).sort()).toEqual(["index.mjs", "index.mjs.map", "studio"]);
    // The built studio travels beside the handler (VIDEOCRAFT_STUDIO_DIR), examples included.
    expect(readdirSync(path.join(dir, "studio")).sort()).toEqual([
      "assets",
      "examples",
      "index.html",
      "manifest.json",
    ]);
    const manifest = JSON.parse(readFileSync(path.join(dir, "studio/manifest.json"), "utf8")) as {
      js: string;
    };
    expect(statSync(path.join(dir, "studio/assets", manifest.js)).size).toBeLessThan(1024 ** 2);
  });

  it("mounts the routes under /v1 and /api/v1", () => {
    const resources: Json[] = resourcesOfType(json, "AWS::ApiGateway::Resource").map(([id, r]) => ({
      id,
      ...props(r),
    }));
    const pathOf = (id: string): string => {
      const r = resources.find((x) => x.id === id);
      if (!r) return "";
      return `${r.ParentId.Ref ? pathOf(r.ParentId.Ref) : ""}/${r.PathPart}`;
    };
    const paths = resources.map((r) => pathOf(r.id)).sort();
    expect(paths).toEqual(
      expect.arrayContaining(["/v1/{proxy+}", "/api/v1/{proxy+}", "/v1/health", "/api/v1/health"]),
    );
  });

  it("takes the key from the Bearer/x-api-key authorizer, uncached", () => {
    synth.template.hasResourceProperties("AWS::ApiGateway::RestApi", { ApiKeySourceType: "AUTHORIZER" });
    synth.template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it("throttles and limits each key with the usage plan", () => {
    synth.template.hasResourceProperties("AWS::ApiGateway::UsagePlan", {
      Throttle: { RateLimit: 10, BurstLimit: 20 },
      Quota: { Limit: 10000, Period: "DAY" },
    });
    synth.template.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 1);
  });

  it("writes JSON access logs without keys and answers gateway errors in the API's envelope", () => {
    const [, stage] = resourcesOfType(json, "AWS::ApiGateway::Stage")[0]!;
    const format = JSON.parse(props(stage).AccessLogSetting.Format) as Record<string, string>;
    expect(format.apiKeyId).toBe("$context.identity.apiKeyId");
    expect(JSON.stringify(format)).not.toMatch(/authorization|x-api-key/i);
    synth.template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "THROTTLED",
      StatusCode: "429",
      ResponseParameters: Match.objectLike({ "gatewayresponse.header.Retry-After": "'1'" }),
    });
    synth.template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "UNAUTHORIZED",
      StatusCode: "401",
      ResponseTemplates: { "application/json": Match.stringLikeRegexp('"code":"UNAUTHORIZED"') },
    });
  });
});

describe("configuration", () => {
  const envOf = (fn: CfnResource) =>
    Object.fromEntries(
      Object.entries((props(fn).Environment?.Variables ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        resolveIntrinsics(json, v),
      ]),
    );
  // Lambda itself sets AWS_REGION; everything else must come from the template.
  const lambdaEnv = { AWS_REGION: "eu-west-1" };

  it("the check below would catch a missing required variable", () => {
    expect(() => loadConfig(lambdaEnv)).toThrow(/VIDEOCRAFT_BUCKET/);
  });

  it.each([
    ["API", () => apiFunction()[1]],
    ["download", () => downloadFunction()[1]],
    ["render worker", () => imageFunction("handler.handler")[1]],
    ["dead-letter consumer", () => imageFunction("handler.deadLetterHandler")[1]],
    ["probe", () => imageFunction("handler.probeHandler")[1]],
  ])("the %s environment passes loadConfig", (_name, fn) => {
    const config = loadConfig({ ...lambdaEnv, ...envOf(fn()) });
    expect(config.auth).toBe("gateway");
    expect(config.bucket).toMatch(/^videocraft-storagebucket/);
    expect(config.queueUrl).toMatch(/^https:\/\/sqs\./);
    expect(config.retentionDays).toBe(7);
    expect(config.maxReceiveCount).toBe(3);
  });

  it("sizes one ffmpeg command's memory and a job's sources from the render function's memory and /tmp", () => {
    const MiB = 1024 ** 2;
    // 3008 MB less Node.js (256) and the base speech model (388); 40% of the 10240 MB /tmp.
    for (const fn of [
      apiFunction()[1],
      imageFunction("handler.handler")[1],
      imageFunction("handler.probeHandler")[1],
    ]) {
      const config = loadConfig({ ...lambdaEnv, ...envOf(fn) });
      expect(config.ffmpeg.maxMemoryBytes).toBe(2364 * MiB);
      expect(config.maxJobSourceBytes).toBe(4096 * MiB);
    }
  });

  it("gives the render worker the transcription model baked into its image", () => {
    const config = loadConfig({ ...lambdaEnv, ...envOf(imageFunction("handler.handler")[1]) });
    expect(config.transcriptionModel).toBe("base");
    expect(config.ffmpeg.timeoutSeconds).toBeLessThanOrEqual(900);
  });
});

describe("IAM", () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const statements = (): Statement[] =>
    resourcesOfType(json, "AWS::IAM::Policy").flatMap(([, r]) => props(r).PolicyDocument.Statement);
  const actionsOf = (s: Statement) => [s.Action].flat();
  const resourcesOf = (s: Statement) => [s.Resource].flat();

  it("never grants s3:* or sqs:*, nor S3/SQS actions on every resource", () => {
    for (const s of statements()) {
      const actions = actionsOf(s);
      expect(actions).not.toContain("s3:*");
      expect(actions).not.toContain("sqs:*");
      expect(actions).not.toContain("*");
      if (actions.some((a) => a.startsWith("s3:") || a.startsWith("sqs:"))) {
        expect(resourcesOf(s)).not.toContain("*");
      }
    }
  });

  it("allows only CloudWatch metric reads and X-Ray trace uploads on every resource", () => {
    const wildcard = statements().filter((s) => resourcesOf(s).includes("*"));
    expect(new Set(wildcard.flatMap(actionsOf))).toEqual(
      new Set(["cloudwatch:GetMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"]),
    );
  });

  it("scopes object access to prefixes of the stack's bucket", () => {
    for (const s of statements()) {
      for (const resource of resourcesOf(s)) {
        const text = JSON.stringify(resource);
        if (text.includes("StorageBucket") && text.includes("/")) {
          expect(text).toMatch(/\/(jobs|videos|uploads|cache|templates)\/\*"/);
        }
      }
    }
  });
});

describe("monitoring", () => {
  const alarms = () => resourcesOfType(json, "AWS::CloudWatch::Alarm").map(([, r]) => props(r));

  it("alarms as soon as one message sits in or passes through either DLQ", () => {
    const dlq = alarms().filter(
      (a) => a.Namespace === "AWS/SQS" && a.MetricName !== "ApproximateAgeOfOldestMessage",
    );
    expect(dlq.map((a) => a.MetricName).sort()).toEqual([
      "ApproximateNumberOfMessagesVisible",
      "ApproximateNumberOfMessagesVisible",
      "NumberOfMessagesReceived",
      "NumberOfMessagesReceived",
    ]);
    for (const a of dlq)
      expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
  });

  it("alarms on the oldest queued job's age", () => {
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        MetricName: "ApproximateAgeOfOldestMessage",
        Threshold: 1800,
        Statistic: "Maximum",
      }),
    );
  });

  it("alarms on the job failure rate computed from the EMF metrics", () => {
    const rate = alarms().find((a) => Array.isArray(a.Metrics));
    expect(rate).toMatchObject({ Threshold: 25, ComparisonOperator: "GreaterThanThreshold" });
    const stats = ((rate?.Metrics ?? []) as Json[]).flatMap((m) =>
      m.MetricStat ? [m.MetricStat.Metric] : [],
    );
    expect(stats.map((m) => m.MetricName).sort()).toEqual(["JobFailures", "JobSeconds"]);
    const namespaces = stats.map((m) => m.Namespace);
    expect(new Set(namespaces)).toEqual(new Set(["VideoCraft/VideoCraft"]));
  });

  it("alarms on API 5xx and on errors and throttles of every function", () => {
    expect(alarms()).toContainEqual(expect.objectContaining({ MetricName: "5XXError", Threshold: 0 }));
    const fnIds = functions().map(([id]) => id);
    // API, authorizer, download, render, dead-letter, probe.
    expect(fnIds).toHaveLength(6);
    for (const metric of ["Errors", "Throttles"]) {
      const covered = alarms()
        .filter((a) => a.Namespace === "AWS/Lambda" && a.MetricName === metric)
        .map((a) => a.Dimensions[0].Value.Ref);
      expect(covered.sort()).toEqual([...fnIds].sort());
    }
    for (const a of alarms()) expect(a.TreatMissingData).toBe("notBreaching");
  });

  it("has a dashboard and no alarm topic unless alarmEmail is set", () => {
    synth.template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    synth.template.resourceCountIs("AWS::SNS::Topic", 0);
  });

  it("exports the API URL, key id (and how to read its value), bucket and dashboard", () => {
    expect(Object.keys(json.Outputs ?? {}).sort()).toEqual([
      "ApiKeyId",
      "ApiKeyValueCommand",
      "ApiUrl",
      "BucketName",
      "DashboardUrl",
    ]);
    expect(resolveIntrinsics(json, json.Outputs?.ApiKeyValueCommand?.Value)).toMatch(
      /^aws apigateway get-api-key --api-key \S+ --include-value/,
    );
  });
});
