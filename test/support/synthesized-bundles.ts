import path from "node:path";
import { buildApp, type CfnTemplate, FAST_APP, resourcesOfType } from "../infra/synth-app.js";

/**
 * The stack synthesized with bundling on, as `cdk deploy` would upload it: the template and the
 * folder each zip function's bundle was staged in (what Lambda unpacks to /var/task).
 */
export function synthesizeWithBundles() {
  const { app, stack } = buildApp({}, FAST_APP);
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as CfnTemplate;
  /** The staged bundle of the function whose logical id starts with `prefix`. */
  const bundleDirOf = (prefix: string): string => {
    const [, fn] =
      resourcesOfType(template, "AWS::Lambda::Function").find(([id]) => id.startsWith(prefix)) ?? [];
    const key = (fn?.Properties?.Code as { S3Key?: string } | undefined)?.S3Key;
    if (!key) throw new Error(`no zip function ${prefix}… in the template`);
    return path.join(assembly.directory, `asset.${key.replace(/\.zip$/, "")}`);
  };
  return { stack, template, bundleDirOf };
}
