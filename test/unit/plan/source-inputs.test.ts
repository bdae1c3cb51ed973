import { describe, expect, it } from "vitest";
import type { FfmpegCommand } from "../../../functions/core/plan/render-plan.js";
import { IMAGE, MUSIC, plan, SOURCES, VIDEO, VOICE } from "./plan-fixtures.js";

/** Every `-i <source>` of a command with the input options in front of it. */
function sourceInputs(cmd: FfmpegCommand): { path: string; options: string[] }[] {
  const paths = new Set([...SOURCES.values()].map((s) => s.path));
  const found: { path: string; options: string[] }[] = [];
  let start = 0;
  cmd.args.forEach((arg, i) => {
    if (arg !== "-i") return;
    const path = cmd.args[i + 1] ?? "";
    if (paths.has(path)) found.push({ path, options: cmd.args.slice(start, i) });
    start = i + 2;
  });
  return found;
}

const optionAfter = (options: string[], flag: string) => {
  const i = options.lastIndexOf(flag);
  return i >= 0 ? options[i + 1] : undefined;
};

describe("source inputs", () => {
  const p = plan({
    elements: [
      { type: "audio", src: MUSIC, volume: 0.2 },
      { type: "video", src: VIDEO, volume: 0.5 },
    ],
    scenes: [
      {
        elements: [
          { type: "video", src: VIDEO, width: 640, height: 360, volume: 1 },
          { type: "image", src: IMAGE, x: 10, y: 10 },
          { type: "audio", src: VOICE },
        ],
      },
      { duration: 2, elements: [{ type: "image", src: IMAGE, width: 100 }] },
    ],
  });
  const commands = [...p.scenes.map((s) => s.command), p.audio];

  it("reads every source with the demuxer its probe found and the file protocol only", () => {
    const inputs = commands.flatMap(sourceInputs);
    expect(new Set(inputs.map((i) => i.path))).toEqual(
      new Set([VIDEO, IMAGE, VOICE, MUSIC].map((src) => SOURCES.get(src)?.path)),
    );
    for (const input of inputs) {
      const source = [...SOURCES.values()].find((s) => s.path === input.path);
      expect(optionAfter(input.options, "-f"), input.path).toBe(source?.format);
      expect(optionAfter(input.options, "-protocol_whitelist"), input.path).toBe("file");
    }
  });
});
