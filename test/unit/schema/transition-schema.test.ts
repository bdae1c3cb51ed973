import { describe, expect, it } from "vitest";
import { requestJsonSchema } from "../../../functions/core/schema/request-json-schema.js";
import { TRANSITION_TYPES } from "../../../functions/core/schema/transition-schema.js";

type Node = { properties: Record<string, Node>; items: Node; anyOf: Node[] } & Record<string, unknown>;

describe("the published request schema", () => {
  // The OpenAPI document takes its request body from this schema (openapi.test.ts checks that).
  const project = (requestJsonSchema() as unknown as Node).anyOf[0]!;
  const transition = project.properties.scenes!.items.properties.transition!;

  it("describes a scene's transition: the types in both spellings, a positive duration, a colour", () => {
    expect(transition.type).toBe("object");
    expect(transition.additionalProperties).toBe(false);
    expect(transition.required).toEqual(["type"]);
    const types = transition.properties.type!.enum as string[];
    expect(types).toEqual(expect.arrayContaining([...TRANSITION_TYPES, "slide_left", "wipe_down"]));
    expect(transition.properties.duration).toMatchObject({
      type: "number",
      exclusiveMinimum: 0,
      maximum: 10,
    });
    expect(transition.properties.color?.pattern).toBeDefined();
  });
});
