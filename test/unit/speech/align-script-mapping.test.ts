import { describe, expect, it } from "vitest";
import { guessPronunciation } from "../../../functions/render/speech/guess-pronunciation.js";
import { mapOntoScript } from "../../../functions/render/speech/map-onto-script.js";
import { indexDictionary } from "../../../functions/render/speech/pronunciation-dictionary.js";
import { splitScript, tokenizeScript } from "../../../functions/render/speech/script-tokens.js";
import { parseSphinxWords } from "../../../functions/render/speech/sphinx-decoder.js";
import { buildGrammar, buildScriptDictionary } from "../../../functions/render/speech/sphinx-grammar.js";

const WORDS = [
  "every",
  "morning",
  "the",
  "keeper",
  "climbs",
  "well",
  "known",
  "don't",
  "stairs",
  "in",
  "twenty",
  "three",
  "two",
  "thousand",
  "and",
];
const dict = indexDictionary(
  `${WORDS.map((w) => (w === "every" ? "every EH V ER IY\nevery(2) EH V R IY" : `${w} AH`)).join("\n")}\n`,
);

describe("forced alignment helpers", () => {
  it("indexes the pronunciation dictionary with alternates", () => {
    expect(dict.get("every")).toEqual(["EH V ER IY", "EH V R IY"]);
    expect(dict.get("morning")).toEqual(["AH"]);
    expect(dict.has("zorblax")).toBe(false);
    expect(dict.size).toBe(WORDS.length);
  });

  it("tokenizes the script, keeping the user's text, expanding numbers and guessing unknown words", () => {
    const tokens = tokenizeScript("Every morning, the well-known Keeper’s… — climbs 42 “stairs”!", dict);
    expect(tokens.map((t) => [t.text, t.forms, t.guessed])).toEqual([
      ["Every", [["every"]], []],
      ["morning,", [["morning"]], []],
      ["the", [["the"]], []],
      ["well-known", [["well", "known"]], []],
      ["Keeper’s… —", [["keeper's"]], ["keeper's"]],
      ["climbs", [["climbs"]], []],
      ["42", [["forty", "two"]], ["forty"]],
      ["“stairs”!", [["stairs"]], []],
    ]);
  });

  it("offers every common reading of a year and keeps the display token", () => {
    const [, year] = tokenizeScript("in 2023", dict);
    expect(year?.text).toBe("2023");
    expect(year?.forms).toContainEqual(["twenty", "twenty", "three"]);
    expect(year?.forms).toContainEqual(["two", "thousand", "twenty", "three"]);
  });

  it("splits text written without spaces after its phrase punctuation", () => {
    expect(splitScript("你好，世界。今天 天气 very good")).toEqual([
      "你好，",
      "世界。",
      "今天",
      "天气",
      "very",
      "good",
    ]);
  });

  it("writes a per-script dictionary with alternates and guesses for unknown words", () => {
    const d = buildScriptDictionary(["every", "zorblax", "every"], dict);
    expect(d.text).toBe("every EH V ER IY\nevery(2) EH V R IY\nzorblax Z AO R B L AE K S\n");
    expect(d.phones.get("every")).toEqual([4, 4]);
    expect(d.phones.get("zorblax")).toEqual([8]);
    expect(guessPronunciation("Kathy")).toBe("K AE TH IY");
    expect(guessPronunciation("…")).toBe("");
  });

  it("writes a JSGF grammar of the word sequence, with a token's readings as alternatives", () => {
    expect(buildGrammar([[["every"]], [["morning"]]])).toBe(
      "#JSGF V1.0;\ngrammar script;\npublic <s> = every morning;\n",
    );
    expect(
      buildGrammar([
        [["in"]],
        [
          ["twenty", "twenty", "three"],
          ["two", "thousand", "twenty", "three"],
        ],
        [],
      ]),
    ).toBe(
      "#JSGF V1.0;\ngrammar script;\npublic <s> = in ( twenty twenty three | two thousand twenty three );\n",
    );
  });

  it("parses pocketsphinx word lines, dropping fillers and keeping which pronunciation was used", () => {
    const out =
      "every morning the\n<s> 0.000 0.100 1.0\nevery(2) 0.10 0.35 1.000000\n<sil> 0.35 0.40 1\nmorning 0.40 0.75 0.98\n[NOISE] 0.8 0.9 1\n</s> 0.9 1.0 1\n";
    expect(parseSphinxWords(out)).toEqual([
      { word: "every", start: 0.1, end: 0.35, variant: 1 },
      { word: "morning", start: 0.4, end: 0.75, variant: 0 },
    ]);
  });

  it("maps the reading the decoder chose back onto the display token", () => {
    const tokens = tokenizeScript("in 2023 every", dict);
    const recognised = [
      { word: "in", start: 0.1, end: 0.2 },
      { word: "two", start: 0.25, end: 0.4 },
      { word: "thousand", start: 0.4, end: 0.8 },
      { word: "twenty", start: 0.8, end: 1.1 },
      { word: "three", start: 1.1, end: 1.4 },
      { word: "every", start: 1.5, end: 1.8 },
    ];
    const { words, interpolated } = mapOntoScript(tokens, recognised, 2);
    expect(interpolated).toBe(0);
    expect(words).toEqual([
      { word: "in", start: 0.1, end: 0.2 },
      { word: "2023", start: 0.25, end: 1.4 },
      { word: "every", start: 1.5, end: 1.8 },
    ]);
  });

  it("maps recognised words onto the original tokens and interpolates the missing one between its neighbours", () => {
    // A token with no speakable reading is in no grammar: nothing is recognised for it.
    const tokens = tokenizeScript("Every morning, Zorblax climbs the stairs.", dict).map((t) =>
      t.text === "Zorblax" ? { ...t, forms: [] } : t,
    );
    const recognised = [
      { word: "every", start: 0.1, end: 0.4 },
      { word: "morning", start: 0.45, end: 0.8 },
      { word: "climbs", start: 1.4, end: 1.8 },
      { word: "the", start: 1.85, end: 1.95 },
      { word: "stairs", start: 2.0, end: 2.5 },
    ];
    const { words, interpolated } = mapOntoScript(tokens, recognised, 3);
    expect(interpolated).toBe(1);
    expect(words.map((w) => w.word)).toEqual(["Every", "morning,", "Zorblax", "climbs", "the", "stairs."]);
    const z = words[2];
    expect(z?.start).toBeCloseTo(0.8);
    expect(z?.end).toBeCloseTo(1.4);
  });

  it("shares the previous word's span when there is no gap for a missing word", () => {
    const tokens = tokenizeScript("the Zorblax keeper", dict).map((t) =>
      t.text === "Zorblax" ? { ...t, forms: [] } : t,
    );
    const { words } = mapOntoScript(
      tokens,
      [
        { word: "the", start: 0, end: 0.6 },
        { word: "keeper", start: 0.6, end: 1 },
      ],
      2,
    );
    expect(words[0]?.end).toBeLessThan(0.6);
    expect(words[1]?.start).toBeGreaterThan(0);
    expect(words[1]?.end).toBeCloseTo(0.6);
    expect(words[2]?.start).toBeCloseTo(0.6);
  });

  it("spreads all words over the audio when nothing was recognised and no sound map is given", () => {
    const { words } = mapOntoScript(tokenizeScript("every morning the keeper", dict), [], 4);
    expect(words[0]?.start).toBe(0);
    expect(words.at(-1)?.end).toBeCloseTo(4);
  });

  it("spreads all words over the stretches of sound when nothing was recognised", () => {
    const activity = {
      frame: 0.01,
      voiced: new Uint8Array(400),
      segments: [
        { start: 0.5, end: 1.3 },
        { start: 2, end: 2.9 },
      ],
      duration: 4,
    };
    const { words } = mapOntoScript(tokenizeScript("every morning the keeper", dict), [], 4, activity);
    expect(words.map((w) => Number(w.start.toFixed(2)))).toEqual([0.5, 0.83, 2, 2.3]);
  });
});
