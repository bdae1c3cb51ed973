import { describe, expect, it } from "vitest";
import { findPlaceholders } from "../../local/find-placeholders.js";
import { outputPathsFor } from "../../local/output-files.js";

describe("findPlaceholders", () => {
  it("names the JSON path of every string still holding {{…}}, in arrays and nested objects", () => {
    const body = [
      { scenes: [{ elements: [{ type: "image", src: "file://{{MEDIA}}/a.png" }] }] },
      { scenes: [{ elements: [{ type: "subtitles", text: "{{greeting}}, {{name}}! {{name}}?" }] }] },
    ];
    expect(findPlaceholders(body)).toEqual([
      {
        path: "[0].scenes[0].elements[0].src",
        message: expect.stringMatching(/^unresolved placeholder \{\{MEDIA\}\}:/),
      },
      {
        path: "[1].scenes[0].elements[0].text",
        message: expect.stringMatching(/^unresolved placeholder \{\{greeting\}\}, \{\{name\}\}:/),
      },
    ]);
  });

  it("leaves comments, keys, single braces and non-strings alone", () => {
    const body = {
      comment: "replace {{MEDIA}} first",
      scenes: [{ comment: "{{x}}", elements: [{ type: "subtitles", text: "a {b} }}{{ c", "{{k}}": 1 }] }],
      fps: 30,
      webhook: null,
    };
    expect(findPlaceholders(body)).toEqual([]);
  });
});

describe("outputPathsFor", () => {
  it("keeps -o for one project and numbers several from 1 before the extension", () => {
    expect(outputPathsFor("out/video.mp4", 1)).toEqual(["out/video.mp4"]);
    expect(outputPathsFor("out/video.mp4", 3)).toEqual([
      "out/video-1.mp4",
      "out/video-2.mp4",
      "out/video-3.mp4",
    ]);
    expect(outputPathsFor("clips.v2/take", 2)).toEqual(["clips.v2/take-1", "clips.v2/take-2"]);
  });
});
