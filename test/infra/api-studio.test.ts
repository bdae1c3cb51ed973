import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { STUDIO_DIR } from "../../infra/api.js";
import { buildApp, FAST_APP, NO_BUNDLING } from "./synth-app.js";

/** The studio on AWS: public GET methods for its files, and where the API function finds them. */
function synth() {
  const { stack } = buildApp({ ...NO_BUNDLING }, FAST_APP);
  return { stack, template: Template.fromStack(stack) };
}

describe("the studio on API Gateway", () => {
  it("serves /studio and /studio/assets/{file} by GET without a key, to the API function", () => {
    const { template } = synth();
    const resources = template.findResources("AWS::ApiGateway::Resource");
    const idOf = (part: string, parent?: string) =>
      Object.entries(resources).find(
        ([, r]) =>
          r.Properties.PathPart === part && (parent === undefined || r.Properties.ParentId?.Ref === parent),
      )?.[0];
    const studio = idOf("studio");
    const assets = studio && idOf("assets", studio);
    for (const id of [studio, assets && idOf("{file}", assets)]) {
      expect(id).toBeDefined();
      template.hasResourceProperties("AWS::ApiGateway::Method", {
        HttpMethod: "GET",
        ResourceId: { Ref: id },
        AuthorizationType: "NONE",
        ApiKeyRequired: false,
      });
    }
  });

  it("tells the API function where the studio lies beside its code", () => {
    const { template } = synth();
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ VIDEOCRAFT_STUDIO_DIR: STUDIO_DIR }) },
    });
  });
});
