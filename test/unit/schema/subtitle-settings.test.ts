import { describe, expect, it } from "vitest";
import { parseProjectRequest } from "../../../functions/core/schema/parse-project-request.js";

const audio = { type: "audio", src: "https://cdn.example.com/voice.mp3" };
const withSubtitles = (subtitles: Record<string, unknown>) => ({
  scenes: [{ elements: [audio, { type: "subtitles", ...subtitles }] }],
});
const parse = (subtitles: Record<string, unknown>) =>
  parseProjectRequest(withSubtitles(subtitles), { maxProjects: 1 });
const element = (subtitles: Record<string, unknown>) => {
  const r = parse(subtitles);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.projects[0]?.scenes[0]?.elements[1];
};

describe("subtitles settings in a request", () => {
  it.each(["progressive", "karaoke", "classic"])("accepts style %s", (style) => {
    expect(element({ settings: { style } })).toMatchObject({ settings: { style } });
  });

  it("takes font-size as a VideoCraft number or as pixels like 48px", () => {
    expect(element({ settings: { "font-size": 24 } })).toMatchObject({ settings: { font_size: 24 } });
    expect(element({ settings: { "font-size": "48px" } })).toMatchObject({ settings: { font_size: "48px" } });
    expect(element({ settings: { "outline-width": "3px", "shadow-offset": 0 } })).toMatchObject({
      settings: { outline_width: "3px", shadow_offset: 0 },
    });
  });

  it.each([
    [{ "font-size": "48pt" }, 'expected a number or pixels like "48px"'],
    [{ "font-size": "0px" }, "pixels must be between 1 and 2000"],
    [{ "font-size": 500 }, "Too big"],
    [{ style: "typewriter" }, "Invalid option"],
  ])("refuses %j naming the field", (settings, message) => {
    const r = parse({ settings });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.path).toMatch(/^scenes\[0\]\.elements\[1\]\.settings\./);
    expect(r.issues.map((i) => i.message).join(" ")).toContain(message);
  });

  it("accepts the settings as the element's own keys too", () => {
    expect(element({ "font-size": 30, "all-caps": true, position: "center" })).toMatchObject({
      font_size: 30,
      all_caps: true,
      position: "center-center",
    });
  });

  it("refuses a setting given both on the element and in its settings", () => {
    const r = parse({ "font-size": 30, settings: { "font-size": 40 } });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues).toEqual([expect.objectContaining({ path: "scenes[0].elements[1].font-size" })]);
  });

  it.each([
    ["top", "center-top"],
    ["bottom", "center-bottom"],
    ["middle-left", "left-center"],
    ["bottom-right", "right-bottom"],
  ])("reads VideoCraft's position %s as %s", (position, normal) => {
    expect(element({ settings: { position } })).toMatchObject({ settings: { position: normal } });
  });
});
