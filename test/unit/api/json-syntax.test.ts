import { describe, expect, it } from "vitest";
import { checkJsonSyntax } from "../../../functions/api/json-syntax.js";

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("checkJsonSyntax", () => {
  const samples = [
    "{}",
    "[]",
    " 1 ",
    "-0.5e+10",
    '"a\\u00e9\\n"',
    '{"a":[1,2,{"b":null}],"c":true,"d":false}',
    '{"a":1,}',
    "[1,]",
    "[1 2]",
    '{"a" 1}',
    "{a:1}",
    "01",
    "1.",
    ".5",
    "-",
    "tru",
    '"abc',
    '"\\x"',
    '"\\u12"',
    '"tab\there"',
    "[",
    "]",
    '{"a":1}}',
    "nul",
    "[[[]]]",
    '{"":{"":[]}}',
    "1 2",
  ];

  it("agrees with JSON.parse on what is valid", () => {
    for (const text of samples) expect(checkJsonSyntax(text, 64) === undefined, text).toBe(parses(text));
  });

  it("agrees with JSON.parse on random mutations of a real body", () => {
    const base = JSON.stringify({ scenes: [{ "z-index": -1.5e3, s: 'x"\\y', e: [true, null, {}] }] });
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = '{}[]":,.-+eE0123456789 \\ntrufals';
    for (let k = 0; k < 2000; k++) {
      const chars = [...base];
      for (let m = 0; m < 1 + rand(3); m++)
        chars[rand(chars.length)] = alphabet.charAt(rand(alphabet.length));
      const text = chars.join("");
      expect(checkJsonSyntax(text, 64) === undefined, text).toBe(parses(text));
    }
  });

  it("gives position, line and column of the first error", () => {
    expect(checkJsonSyntax('{\n  "a": [}', 64)).toMatchObject({
      kind: "syntax",
      position: 10,
      line: 2,
      column: 9,
    });
  });

  it("stops at the first bracket past the depth limit", () => {
    const err = checkJsonSyntax("[".repeat(1_000_000), 64);
    expect(err).toMatchObject({ kind: "depth", position: 64 });
    expect(checkJsonSyntax(`${"[".repeat(64)}${"]".repeat(64)}`, 64)).toBeUndefined();
  });
});
