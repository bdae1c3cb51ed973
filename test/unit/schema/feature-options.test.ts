import { describe, expect, it } from "vitest";
import { parseProjectRequest } from "../../../functions/core/schema/parse-project-request.js";
import { graphOf, IMAGE, plan } from "../plan/plan-fixtures.js";

const parse = (body: unknown) => parseProjectRequest(body, { maxProjects: 20 });
const withElement = (el: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  scenes: [{ duration: 3, elements: [el] }],
  ...extra,
});
const issuesOf = (body: unknown) => {
  const r = parse(body);
  if (r.ok) throw new Error("accepted");
  return r.issues;
};

describe("text elements", () => {
  it("take hyphenated or underscored keys and keep them in the project", () => {
    const r = parse(
      withElement({
        type: "text",
        text: "Sale",
        "font-family": "Arial",
        "font-size": "64px",
        "font-weight": 700,
        "box-color": "#00000080",
        "box-radius": 12,
        line_spacing: 1.4,
        "text-align": "right",
        position: "bottom-right",
        animation: { in: "pop", out: { type: "fade", duration: 0.3 } },
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.projects[0]?.scenes[0]?.elements[0]).toMatchObject({
      type: "text",
      font_family: "Arial",
      font_size: "64px",
      box_radius: 12,
      position: "right-bottom",
      animation: { in: "pop", out: { type: "fade", duration: 0.3 } },
    });
  });

  it("refuses a named position together with x/y, unknown animations and empty text", () => {
    expect(issuesOf(withElement({ type: "text", text: "a", position: "center", x: 4 }))).toContainEqual({
      path: "scenes[0].elements[0].position",
      message: "give a named position or x/y, not both",
    });
    const bad = issuesOf(withElement({ type: "text", text: "", animation: { in: "spin" } }));
    expect(bad.map((i) => i.path)).toEqual(
      expect.arrayContaining(["scenes[0].elements[0].text", "scenes[0].elements[0].animation.in"]),
    );
    expect(issuesOf(withElement({ type: "text", text: "a", colour: "#fff" }))).toContainEqual({
      path: "scenes[0].elements[0].colour",
      message: "unknown key 'colour'",
    });
  });

  it("take a project-level text_style with the same keys", () => {
    const r = parse(
      withElement({ type: "text", text: "a" }, { "text-style": { "font-size": 40, color: "#FF0000" } }),
    );
    expect(r.ok && r.projects[0]?.text_style).toEqual({ font_size: 40, color: "#FF0000" });
  });

  it("are burned above the scene's pictures and below its captions", () => {
    const p = plan({
      scenes: [
        {
          duration: 2,
          elements: [
            { type: "image", src: IMAGE },
            { type: "text", text: "Title" },
            { type: "subtitles", words: [{ word: "hi", start: 0, end: 1 }] },
          ],
        },
      ],
    });
    const cmd = p.scenes[0]!.command;
    expect(cmd.files.map((f) => f.path)).toEqual(["/work/job-1/text-0.ass"]);
    expect(graphOf(cmd)).toMatch(/\[s1\]subtitles=filename=\/work\/job-1\/text-0\.ass:fontsdir=[^[]+\[c0\]/);
  });

  it("at project level, show in every scene they overlap, on the whole video's clock", () => {
    const p = plan({
      elements: [
        { type: "text", text: "© Brand", start: 1, duration: 2, animation: { in: "fade", out: "fade" } },
      ],
      scenes: [
        { duration: 2, elements: [{ type: "image", src: IMAGE }] },
        { duration: 2, elements: [{ type: "image", src: IMAGE }] },
        { duration: 2, elements: [{ type: "image", src: IMAGE }] },
      ],
    });
    const events = (i: number) =>
      (p.scenes[i]?.command.files.find((f) => f.path.endsWith(`text-${i}.ass`))?.content ?? "")
        .split("\n")
        .filter((l) => l.startsWith("Dialogue:"));
    expect(events(0).map((e) => e.split(",").slice(1, 3).join("-"))).toEqual([
      "0:00:01.00-0:00:01.50",
      "0:00:01.50-0:00:02.00",
    ]);
    expect(events(1).map((e) => e.split(",").slice(1, 3).join("-"))).toEqual([
      "0:00:00.00-0:00:00.50",
      "0:00:00.50-0:00:01.00",
    ]);
    expect(events(2)).toEqual([]);
  });
});

describe("motion, ducking, loudness and output options", () => {
  it("check motion views: a whole rectangle or zoom/center, inside the picture", () => {
    const motion = (animation: unknown) => withElement({ type: "image", src: IMAGE, animation });
    expect(issuesOf(motion({ from: { left: 0.1, top: 0.1 } }))[0]?.message).toBe(
      "a rectangle needs left, top, width and height",
    );
    expect(issuesOf(motion({ to: { zoom: 2, left: 0, top: 0, width: 1, height: 1 } }))[0]?.message).toBe(
      "give a rectangle or zoom/center_x/center_y, not both",
    );
    expect(issuesOf(motion({ to: { left: 0.5, top: 0, width: 0.6, height: 1 } }))[0]).toEqual({
      path: "scenes[0].elements[0].animation.to.width",
      message: "left + width must not pass 1",
    });
    expect(issuesOf(motion({ easing: "linear" }))[0]?.message).toBe(
      "animation needs a type, or from and/or to",
    );
    expect(parse(motion({ type: "pan-right", zoom: 1.5, easing: "ease-in-out" })).ok).toBe(true);
  });

  it("normalise loudness (false is off) and output (poster on, GIF defaults)", () => {
    const project = (extra: Record<string, unknown>) => {
      const r = parse(withElement({ type: "image", src: IMAGE }, extra));
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return r.projects[0];
    };
    expect(project({ loudness: -14 })?.loudness).toBe(-14);
    expect(project({ loudness: false })?.loudness).toBeUndefined();
    expect(project({})?.output).toBeUndefined();
    expect(project({ output: { "gif-preview": true } })?.output).toEqual({
      poster: true,
      gif_preview: { seconds: 3, width: 480, fps: 10 },
    });
    expect(project({ output: { poster: false, gif_preview: { width: 200 } } })?.output).toEqual({
      poster: false,
      gif_preview: { seconds: 3, width: 200, fps: 10 },
    });
    expect(issuesOf(withElement({ type: "image", src: IMAGE }, { loudness: -3 }))[0]?.path).toBe("loudness");
    expect(
      issuesOf(withElement({ type: "image", src: IMAGE }, { output: { gif_preview: { seconds: 60 } } }))[0]
        ?.path,
    ).toBe("output.gif_preview.seconds");
  });
});

describe("text margins", () => {
  it("refuse margins that leave a named position no room (own or inherited)", () => {
    const text = { type: "text", text: "Free shipping", position: "center-bottom", margin: 620 };
    expect(issuesOf({ width: 1080, height: 1920, scenes: [{ duration: 1, elements: [text] }] })).toEqual([
      {
        path: "scenes[0].elements[0].margin",
        message:
          "a margin of 620 px on every side leaves no room on a 1080x1920 frame; use x/y to place the text",
      },
    ]);
    expect(
      issuesOf({
        width: 640,
        height: 360,
        "text-style": { margin: "200px" },
        scenes: [{ duration: 1, elements: [{ type: "text", text: "x" }] }],
      })[0]?.path,
    ).toBe("text_style.margin");
    expect(
      parse({ width: 640, height: 360, scenes: [{ duration: 1, elements: [{ ...text, margin: 100 }] }] }).ok,
    ).toBe(true);
  });
});
