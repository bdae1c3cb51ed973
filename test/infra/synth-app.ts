import { readFileSync } from "node:fs";
import path from "node:path";
import type { AppProps } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { createApp } from "../../infra/create-app.js";
import { REPO_ROOT } from "../../infra/repo-root.js";

/** The context `cdk synth` reads from cdk.json (settings and feature flags), so tests see the deployed shape. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(REPO_ROOT, "cdk.json"), "utf8"),
).context;

/** Skips esbuild and asset staging for tests that only read the construct tree. */
export const NO_BUNDLING = { "aws:cdk:bundling-stacks": [] };

/**
 * App options for tests that check one concern: no tree.json, and no built-in CloudFormation
 * validation, whose WASM engine takes seconds to start (the full-stack test keeps it on).
 */
export const FAST_APP: AppProps = { treeMetadata: false, builtinCloudFormationValidation: false };

/** Builds the app exactly as infra/app.ts does, with extra context on top of cdk.json's. */
export function buildApp(extraContext: Record<string, unknown> = {}, appProps: AppProps = {}) {
  return createApp({ ...appProps, context: { ...CDK_JSON_CONTEXT, ...extraContext } });
}

/** Synthesizes (esbuild bundle of the API included) and returns the stack's template. */
export function synthTemplate(extraContext: Record<string, unknown> = {}) {
  const { app, stack } = buildApp(extraContext, { treeMetadata: false });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as CfnTemplate };
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Resources of one type, by logical id. */
export function resourcesOfType(json: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

/**
 * Replaces CloudFormation intrinsics with plausible deploy-time values, so settings built from
 * references (queue URLs, bucket names) can be fed to `loadConfig` as a deployed function would see them.
 */
export function resolveIntrinsics(json: CfnTemplate, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === "string") {
      const type = json.Resources[o.Ref]?.Type;
      if (type === "AWS::SQS::Queue") return `https://sqs.eu-west-1.amazonaws.com/123456789012/${o.Ref}`;
      if (type === "AWS::S3::Bucket") return `videocraft-${o.Ref.toLowerCase()}`;
      if (o.Ref.startsWith("AWS::")) return o.Ref === "AWS::Region" ? "eu-west-1" : "aws";
      return `${o.Ref}-id`;
    }
    if (Array.isArray(o["Fn::GetAtt"])) return `${(o["Fn::GetAtt"] as string[]).join("-")}-att`;
    if (Array.isArray(o["Fn::Join"])) {
      const [sep, parts] = o["Fn::Join"] as [string, unknown[]];
      return parts.map((p) => resolveIntrinsics(json, p)).join(sep);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}
