import { describe, expect, it } from "vitest";
import {
  buildGrammar,
  buildScriptDictionary,
  mapOntoScript,
  parseSphinxWords,
  tokenizeScript,
} from "../../../functions/render/speech/align-script.js";
import { guessPronunciation } from "../../../functions/render/speech/guess-pronunciation.js";

const dict = new Map(
  ["every", "morning", "the", "keeper", "climbs", "well", "known", "don't", "stairs"].map((w) => [w, ["AH"]]),
);
dict.set("every", ["EH V ER IY", "EH V R IY"]);

describe("forced alignment helpers", () => {
  it("tokenizes the script, keeping the user's text and finding dictionary spellings", () => {
    const tokens = tokenizeScript("Every morning, the well-known Keeper’s… — climbs 42 “stairs”!", dict);
    expect(tokens.map((t) => [t.text, t.parts, t.inDictionary, t.guessed])).toEqual([
      ["Every", ["every"], true, false],
      ["morning,", ["morning"], true, false],
      ["the", ["the"], true, false],
      ["well-known", ["well", "known"], true, false],
      ["Keeper’s… —", ["keeper's"], false, true],
      ["climbs", ["climbs"], true, false],
      ["42", ["42"], false, true],
      ["“stairs”!", ["stairs"], true, false],
    ]);
  });

  it("writes a per-script dictionary with alternates and guesses for unknown words", () => {
    expect(buildScriptDictionary(["every", "zorblax", "every", "42"], dict)).toBe(
      "every EH V ER IY\nevery(2) EH V R IY\nzorblax Z AO R B L AE K S\n42 F AO R T UW\n",
    );
    expect(guessPronunciation("Kathy")).toBe("K AE TH IY");
    expect(guessPronunciation("…")).toBe("");
  });

  it("writes a JSGF grammar of the word sequence", () => {
    expect(buildGrammar(["every", "morning"])).toBe(
      "#JSGF V1.0;\ngrammar script;\npublic <s> = every morning;\n",
    );
  });

  it("parses pocketsphinx word lines, dropping fillers and alternate markers", () => {
    const out =
      "every morning the\n<s> 0.000 0.100 1.0\nevery(2) 0.10 0.35 1.000000\n<sil> 0.35 0.40 1\nmorning 0.40 0.75 0.98\n[NOISE] 0.8 0.9 1\n</s> 0.9 1.0 1\n";
    expect(parseSphinxWords(out)).toEqual([
      { word: "every", start: 0.1, end: 0.35 },
      { word: "morning", start: 0.4, end: 0.75 },
    ]);
  });

  it("maps recognised words onto the original tokens and interpolates the missing one between its neighbours", () => {
    const tokens = tokenizeScript("Every morning, Zorblax climbs the stairs.", dict);
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
    const tokens = tokenizeScript("the Zorblax keeper", dict);
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

  it("spreads all words over the audio when nothing was recognised", () => {
    const { words } = mapOntoScript(tokenizeScript("every morning the keeper", dict), [], 4);
    expect(words[0]?.start).toBe(0);
    expect(words.at(-1)?.end).toBeCloseTo(4);
  });
});
