import { describe, expect, it } from "vitest";
import { parseProjectRequest } from "../../../functions/core/schema/parse-project-request.js";

const opts = { maxProjects: 20 };
const audio = { type: "audio", src: "https://cdn.example.com/voice.mp3" };

function ok(body: unknown) {
  const r = parseProjectRequest(body, opts);
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.issues)}`);
  return r.projects;
}
function issues(body: unknown) {
  const r = parseProjectRequest(body, opts);
  if (r.ok) throw new Error("expected validation issues");
  return r.issues;
}

/** VideoCraft's own README-style request: an array of projects with hyphenated keys. */
const videocraftReadmeRequest = [
  {
    comment: "Demo video",
    resolution: "1920x1080",
    quality: "high",
    elements: [
      { type: "video", id: "bg", src: "https://cdn.example.com/background.mp4", duration: 30, "z-index": -1 },
      {
        type: "subtitles",
        id: "subs",
        language: "en",
        settings: {
          style: "progressive",
          "font-family": "Luckiest Guy",
          "font-size": 80,
          "word-color": "#ffffff",
          "line-color": "#ffffff80",
          "outline-width": 4,
          "outline-color": "#000000",
          "shadow-offset": 2,
          position: "center",
        },
      },
    ],
    scenes: [
      {
        "background-color": "transparent",
        elements: [
          { type: "audio", src: "https://drive.google.com/uc?export=download&id=abc", "fade-in": 0.5 },
          {
            type: "image",
            src: "https://cdn.example.com/logo.png",
            x: 100,
            y: 50,
            resize: "fit",
            position: undefined,
          },
        ],
      },
    ],
  },
];

describe("accepted request shapes", () => {
  it("accepts a single project object and fills defaults", () => {
    const [p] = ok({ scenes: [{ elements: [audio] }] });
    expect(p).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 30,
      draft: false,
      background_color: "#000000",
    });
    expect(p?.scenes[0]?.id).toBe("scene-0");
  });

  it("accepts VideoCraft's array of projects (README style) and normalises hyphenated keys", () => {
    const body = JSON.parse(JSON.stringify(videocraftReadmeRequest));
    const projects = ok(body);
    expect(projects).toHaveLength(1);
    const [p] = projects;
    expect(p?.crf).toBe(18);
    expect(p?.elements[0]).toMatchObject({ type: "video", z_index: -1 });
    expect(p?.elements[1]).toMatchObject({ settings: { font_size: 80, position: "center-center" } });
    expect(p?.scenes[0]?.elements[0]).toMatchObject({ fade_in: 0.5 });
    expect(p?.scenes[0]?.elements[1]).toMatchObject({ resize: "fit" });
  });

  it("accepts underscore keys the same as hyphenated keys", () => {
    const a = ok({
      scenes: [{ duration: 2, "background-color": "#112233", elements: [{ ...audio, "fade-out": 1 }] }],
    });
    const b = ok({
      scenes: [{ duration: 2, background_color: "#112233", elements: [{ ...audio, fade_out: 1 }] }],
    });
    expect(a).toEqual(b);
  });

  it("resolves resolution strings, custom sizes and portrait output", () => {
    expect(ok({ resolution: "1280x720", scenes: [{ elements: [audio] }] })[0]).toMatchObject({
      width: 1280,
      height: 720,
    });
    expect(
      ok({ resolution: "custom", width: 1080, height: 1920, scenes: [{ elements: [audio] }] })[0],
    ).toMatchObject({
      width: 1080,
      height: 1920,
    });
  });

  it("maps quality names and numbers to CRF, and draft to the fast preset flag", () => {
    const crf = (quality: unknown) => ok({ quality, scenes: [{ elements: [audio] }] })[0];
    expect(crf("low")?.crf).toBe(28);
    expect(crf("medium")?.crf).toBe(23);
    expect(crf("high")?.crf).toBe(18);
    expect(crf(30)?.crf).toBe(30);
    expect(crf("draft")).toMatchObject({ draft: true });
    expect(crf("draft")?.crf).toBeUndefined();
  });

  it("accepts every element type with its options", () => {
    const [p] = ok({
      scenes: [
        {
          id: "intro",
          duration: 4,
          elements: [
            {
              type: "video",
              src: "https://x.example/v.mp4",
              x: 10,
              y: 20,
              width: 640,
              height: 360,
              resize: "contain",
              "z-index": 2,
              volume: 0.5,
              start: 1,
              duration: 2,
              loop: false,
              "fade-in": 0.2,
              "fade-out": 0.2,
            },
            {
              type: "audio",
              id: "voice",
              src: "s3://my-bucket/uploads/a.wav",
              volume: 1.5,
              start: 0.5,
              duration: 3,
            },
            {
              type: "image",
              src: "https://x.example/i.png",
              x: 0,
              y: 0,
              width: 100,
              resize: "center",
              start: 0,
              duration: 4,
            },
            {
              type: "subtitles",
              audio: "voice",
              text: "hello world",
              settings: {
                style: "classic",
                "all-caps": true,
                "max-words-per-line": 4,
                "box-color": "#00000080",
                position: "left-top",
              },
            },
            {
              type: "subtitles",
              words: [
                { word: "hi", start: 0, end: 0.4 },
                { word: "there", start: 0.5, end: 0.9 },
              ],
            },
          ],
        },
      ],
    });
    expect(p?.scenes[0]?.elements.map((e) => e.type)).toEqual([
      "video",
      "audio",
      "image",
      "subtitles",
      "subtitles",
    ]);
  });

  it("treats a transparent background as the parent's colour", () => {
    const [p] = ok({
      "background-color": "#ff0000",
      scenes: [{ "background-color": "transparent", elements: [audio] }],
    });
    expect(p?.scenes[0]?.background_color).toBe("#ff0000");
  });

  it("allows a comment on every object", () => {
    ok({ comment: "c", scenes: [{ comment: "c", elements: [{ ...audio, comment: "c" }] }] });
  });
});

describe("validation errors name the offending field", () => {
  it("rejects an unknown key and names it as the client spelled it", () => {
    expect(issues({ scenes: [{ elements: [{ ...audio, "z-indx": 1 }] }] })).toContainEqual({
      path: "scenes[0].elements[0].z-indx",
      message: "unknown key 'z-indx'",
    });
  });

  it("reports every problem at once", () => {
    const found = issues({
      fps: 120,
      scenes: [
        { elements: [{ type: "image", src: "https://x/i.png" }] },
        { duration: 2, elements: [{ type: "vidoe", src: "https://x/v.mp4" }, { type: "audio" }] },
      ],
    });
    const paths = found.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["fps", "scenes[1].elements[0].type", "scenes[1].elements[1].src"]),
    );
    expect(found.find((i) => i.path === "scenes[1].elements[1].src")?.message).toBe("src is required");
  });

  it("prefixes paths with the project index for the array form", () => {
    const found = issues([
      { scenes: [{ elements: [audio] }] },
      { scenes: [{ elements: [{ type: "audio", src: "ftp://x/a.mp3" }] }] },
    ]);
    expect(found).toEqual([
      { path: "[1].scenes[0].elements[0].src", message: expect.stringContaining("https://") },
    ]);
  });

  it("requires a duration or an audio element per scene", () => {
    expect(issues({ scenes: [{ elements: [{ type: "image", src: "https://x/i.png" }] }] })).toContainEqual({
      path: "scenes[0].duration",
      message: "a scene needs a duration or at least one audio element",
    });
  });

  it("rejects duplicate scene ids", () => {
    const found = issues({
      scenes: [
        { id: "a", elements: [audio] },
        { id: "a", elements: [audio] },
      ],
    });
    expect(found[0]?.path).toBe("scenes[1].id");
  });

  it("rejects odd, oversized and inconsistent resolutions", () => {
    expect(
      issues({ resolution: "custom", width: 1081, height: 1920, scenes: [{ elements: [audio] }] })[0]?.path,
    ).toBe("width");
    expect(issues({ width: 7680, height: 4320, scenes: [{ elements: [audio] }] })[0]?.message).toMatch(
      /larger than/,
    );
    expect(issues({ resolution: "custom", scenes: [{ elements: [audio] }] })[0]?.path).toBe("resolution");
    expect(issues({ resolution: "big", scenes: [{ elements: [audio] }] })[0]?.path).toBe("resolution");
  });

  it("rejects bad colours, volumes, negative or non-finite numbers", () => {
    const found = issues({
      "background-color": "red",
      scenes: [
        {
          duration: -1,
          elements: [
            { ...audio, volume: 3 },
            { type: "image", src: "https://x/i.png", x: 1.5 },
          ],
        },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        "background-color",
        "scenes[0].duration",
        "scenes[0].elements[0].volume",
        "scenes[0].elements[1].x",
      ]),
    );
  });

  it("rejects overlapping or unordered word timings and unknown caption audio ids", () => {
    const found = issues({
      scenes: [
        {
          elements: [
            audio,
            {
              type: "subtitles",
              audio: "nope",
              words: [
                { word: "a", start: 0, end: 1 },
                { word: "b", start: 0.5, end: 0.4 },
              ],
            },
          ],
        },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        "scenes[0].elements[1].audio",
        "scenes[0].elements[1].words[1].end",
        "scenes[0].elements[1].words[1].start",
      ]),
    );
  });

  it("rejects a key given twice in two spellings", () => {
    expect(issues({ scenes: [{ elements: [{ ...audio, "fade-in": 1, fade_in: 2 }] }] })[0]?.path).toBe(
      "scenes[0].elements[0].fade_in",
    );
  });

  it("rejects a body that is not a project, and empty scenes", () => {
    expect(issues("hello")[0]?.message).toMatch(/project object/);
    expect(issues({ scenes: [] })[0]).toMatchObject({ path: "scenes" });
    expect(issues({ scenes: [{ elements: [] }] })[0]).toMatchObject({ path: "scenes[0].elements" });
  });

  it("caps the number of projects per request", () => {
    const body = Array.from({ length: 3 }, () => ({ scenes: [{ elements: [audio] }] }));
    const r = parseProjectRequest(body, { maxProjects: 2 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues[0]?.message).toMatch(/at most 2 projects/);
  });

  it("rejects an element start outside its scene", () => {
    expect(
      issues({
        scenes: [{ duration: 2, elements: [{ type: "image", src: "https://x/i.png", start: 2 }] }],
      })[0]?.path,
    ).toBe("scenes[0].elements[0].start");
  });
});

describe("unknownKeys: 'strip' (VideoCraft's routes)", () => {
  const strip = { ...opts, unknownKeys: "strip" as const };

  it("drops unknown keys at any depth and names each as the client spelled it", () => {
    const r = parseProjectRequest(
      [
        {
          title: "My video",
          scenes: [
            {
              "transition-type": "fade",
              elements: [
                { ...audio, language: "de", settings: { style: "x" }, "z-indx": 1 },
                { type: "subtitles", settings: { "font-size": 24, "text-shadow": true } },
              ],
            },
          ],
        },
      ],
      strip,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.ignoredKeys.map((k) => k.path).sort()).toEqual(
      [
        "[0].title",
        "[0].scenes[0].transition-type",
        "[0].scenes[0].elements[0].settings",
        "[0].scenes[0].elements[0].z-indx",
        "[0].scenes[0].elements[1].settings.text-shadow",
        // Unless the schema learns `language` on audio, it is ignored like any unknown key.
        ...(r.ignoredKeys.some((k) => k.path.endsWith("elements[0].language"))
          ? ["[0].scenes[0].elements[0].language"]
          : []),
      ].sort(),
    );
    expect(r.ignoredKeys.find((k) => k.path === "[0].scenes[0].transition-type")?.key).toBe(
      "transition-type",
    );
    const [project] = r.projects;
    expect(project?.scenes[0]?.elements).toHaveLength(2);
    expect(JSON.stringify(project)).not.toContain("z-indx");
  });

  it("still refuses what is wrong, with the stripped keys out of the way", () => {
    const r = parseProjectRequest({ scenes: [{ elements: [{ ...audio, bogus: 1, volume: 9 }] }] }, strip);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([{ path: "scenes[0].elements[0].volume", message: expect.any(String) }]);
  });

  it("leaves the default strict: an unknown key is an error", () => {
    const r = parseProjectRequest({ title: "x", scenes: [{ elements: [audio] }] }, opts);
    expect(r.ok).toBe(false);
  });
});
