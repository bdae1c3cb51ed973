import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FONT_DATA_PATH, generateFontData } from "../../scripts/generate-font-data.js";

describe("bundled font data", () => {
  it("matches the installed Debian font packages (regenerate with npx tsx scripts/generate-font-data.ts)", async () => {
    expect(await generateFontData()).toBe(await readFile(FONT_DATA_PATH, "utf8"));
  }, 60_000);
});
