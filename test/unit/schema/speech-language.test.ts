import { describe, expect, it } from "vitest";
import { parseProjectRequest } from "../../../functions/core/schema/parse-project-request.js";
import { normaliseLanguage } from "../../../functions/core/speech-languages.js";

const opts = { maxProjects: 20 };
const project = (audio: object, subtitles: object) => ({
  scenes: [
    {
      elements: [
        { type: "audio", src: "https://cdn.example.com/voice.mp3", ...audio },
        { type: "subtitles", ...subtitles },
      ],
    },
  ],
});

describe("the spoken language of a request", () => {
  it("accepts VideoCraft's language on subtitles and on audio elements", () => {
    const r = parseProjectRequest(project({ language: "de" }, { language: "pt-BR" }), opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [audio, subtitles] = r.projects[0]?.scenes[0]?.elements ?? [];
    expect(audio).toMatchObject({ type: "audio", language: "de" });
    expect(subtitles).toMatchObject({ type: "subtitles", language: "pt-BR" });
  });

  it("rejects a language whisper does not know, naming the field", () => {
    const r = parseProjectRequest(project({ language: "klingon" }, { language: "xx" }), opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual([
      "scenes[0].elements[0].language",
      "scenes[0].elements[1].language",
    ]);
    expect(r.issues[0]?.message).toMatch(/language must be auto or a language whisper knows/);
  });

  it("maps codes, tags, names and auto onto whisper's codes", () => {
    expect(normaliseLanguage("auto")).toBe("auto");
    expect(normaliseLanguage("DE")).toBe("de");
    expect(normaliseLanguage("zh-Hant")).toBe("zh");
    expect(normaliseLanguage("en_GB")).toBe("en");
    expect(normaliseLanguage("German")).toBe("de");
    expect(normaliseLanguage("yue")).toBe("yue");
    expect(normaliseLanguage("klingon")).toBeUndefined();
  });
});
