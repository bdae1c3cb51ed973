import { describe, expect, it } from "vitest";
import { setOwnKey } from "../../../functions/core/schema/set-own-key.js";

describe("setOwnKey", () => {
  it("keeps `__proto__` an own key, as JSON.parse does, without touching the prototype", () => {
    const target: Record<string, unknown> = {};
    setOwnKey(target, "__proto__", { polluted: true });
    expect(Object.keys(target)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(target).toEqual(JSON.parse('{"__proto__":{"polluted":true}}'));
  });

  it("sets any other key as a plain enumerable, writable property", () => {
    const target: Record<string, unknown> = {};
    setOwnKey(target, "z_index", 3);
    target.z_index = 4;
    expect(target).toEqual({ z_index: 4 });
  });
});
