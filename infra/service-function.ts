import path from "node:path";
import { type Duration, RemovalPolicy, Size, Validations } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { REPO_ROOT } from "./repo-root.js";

/** Where a function's code comes from. */
export type FunctionCode =
  /** A TypeScript entry bundled by esbuild into one ES module (what `cdk deploy` uploads). */
  | {
      readonly kind: "node-entry";
      readonly entry: string;
      readonly handler: string;
      /** Shell commands run after esbuild, to put more files beside the bundle in `outputDir`. */
      readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
    }
  /** A few lines of CommonJS kept in the template itself. */
  | { readonly kind: "inline"; readonly source: string; readonly handler: string }
  /** A container image (its entry point and CMD pick the handler). */
  | { readonly kind: "image"; readonly code: lambda.DockerImageCode };

export interface ServiceFunctionProps {
  readonly code: FunctionCode;
  readonly description: string;
  readonly architecture: lambda.Architecture;
  readonly memoryMb: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Plain settings; resource names and their grants come through infra/bind.ts. */
  readonly environment?: Record<string, string>;
  /** X-Ray active tracing (the handlers' SDK clients add their calls as subsegments). */
  readonly tracing: boolean;
  readonly ephemeralStorageMb?: number;
  /** Unset: no reservation. */
  readonly reservedConcurrency?: number;
}

/**
 * What every function of the stack has in common: its own log group with the stack's retention
 * (removed with the stack), source-mapped stack traces, tracing as configured, and Node.js 24 for
 * zip functions. The stack binds resources to `function` afterwards (bind.ts).
 */
export class ServiceFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = retainedLogGroup(this, "Logs", props.logRetention);
    const common: lambda.FunctionOptions = {
      description: props.description,
      architecture: props.architecture,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        // Powertools Tracer wraps the SDK clients only when the function is traced.
        POWERTOOLS_TRACE_ENABLED: String(props.tracing),
        ...props.environment,
      },
      ...(props.ephemeralStorageMb !== undefined
        ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMb) }
        : {}),
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
    };
    const { code } = props;
    switch (code.kind) {
      case "image":
        this.function = new lambda.DockerImageFunction(this, "Function", { ...common, code: code.code });
        break;
      case "inline":
        this.function = new lambda.Function(this, "Function", {
          ...common,
          runtime: lambda.Runtime.NODEJS_24_X,
          handler: code.handler,
          code: lambda.Code.fromInline(code.source),
        });
        break;
      case "node-entry":
        this.function = new NodejsFunction(this, "Function", {
          ...common,
          entry: path.join(REPO_ROOT, code.entry),
          handler: code.handler,
          runtime: lambda.Runtime.NODEJS_24_X,
          projectRoot: REPO_ROOT,
          depsLockFilePath: path.join(REPO_ROOT, "package-lock.json"),
          bundling: {
            format: OutputFormat.ESM,
            target: "node24",
            mainFields: ["module", "main"],
            // CommonJS dependencies bundled into an ES module still call require().
            banner:
              "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
            // Bundle the SDK too: the version tested locally is the one that runs, not whatever the runtime ships.
            externalModules: [],
            minify: true,
            sourceMap: true,
            forceDockerBundling: false,
            ...(code.afterBundling
              ? {
                  commandHooks: {
                    beforeBundling: () => [],
                    beforeInstall: () => [],
                    afterBundling: code.afterBundling,
                  },
                }
              : {}),
          },
        });
        break;
    }
    if (props.tracing) {
      Validations.of(this.function).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support no resource-level permissions; they only send this function's traces.",
      });
    }
  }
}

/** A log group kept for `retention` and deleted with the stack (logs are not user data). */
export function retainedLogGroup(scope: Construct, id: string, retention: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
}

/** CloudWatch only accepts certain retention lengths; pick the shortest one that keeps logs long enough. */
export function logRetentionFor(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((v): v is logs.RetentionDays => typeof v === "number" && v > 0)
    .sort((a, b) => a - b);
  return allowed.find((d) => d >= days) ?? logs.RetentionDays.INFINITE;
}
