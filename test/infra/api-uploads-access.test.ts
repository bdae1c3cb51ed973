import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { buildApp, FAST_APP, NO_BUNDLING } from "./synth-app.js";

/** What uploads need from the stack: the API role's grants on uploads/. */
function synth() {
  const { stack } = buildApp({ ...NO_BUNDLING }, FAST_APP);
  return { stack, template: Template.fromStack(stack) };
}

describe("API function: uploads", () => {
  it("may put (presigned PUTs, multipart), read (the finished size) and delete objects under uploads/, nothing more", () => {
    const { stack, template } = synth();
    const role = stack.api.handler.role?.node.defaultChild as { ref: string } | undefined;
    const apiRole = stack.resolve(role?.ref);
    const statements = Object.values(template.findResources("AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([apiRole]))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    const onUploads = (action: string) =>
      statements.some(
        (s) => [s.Action].flat().includes(action) && JSON.stringify(s.Resource).includes('"/uploads/*"'),
      );
    expect(onUploads("s3:PutObject")).toBe(true);
    expect(onUploads("s3:GetObject")).toBe(true);
    expect(onUploads("s3:DeleteObject")).toBe(true);
    // The API never aborts a multipart upload: the bucket's lifecycle rule clears abandoned ones.
    expect(statements.some((s) => [s.Action].flat().includes("s3:AbortMultipartUpload"))).toBe(false);
  });
});
