import { describe, expect, it } from "vitest";
import { spokenForms } from "../../../functions/render/speech/spoken-forms.js";

/** The readings of each token of `script`, as strings. */
const read = (script: string) => spokenForms(script.split(" ")).map((forms) => forms.map((f) => f.join(" ")));
/** The readings of a single token. */
const one = (token: string) => read(token)[0] ?? [];

describe("spoken forms of script tokens", () => {
  it("leaves ordinary words as they are, without punctuation, in lower case", () => {
    expect(read("Every morning, “the” keeper’s well-known lamp!")).toEqual([
      ["every"],
      ["morning"],
      ["the"],
      ["keeper's"],
      ["well known"],
      ["lamp"],
    ]);
  });

  it("reads cardinals, with and without 'and', and large numbers with separators", () => {
    expect(one("42")).toEqual(["forty two"]);
    expect(one("101")).toEqual(["one hundred one", "one hundred and one"]);
    expect(one("1,250")).toEqual([
      "one thousand two hundred fifty",
      "one thousand two hundred and fifty",
      "twelve hundred fifty",
    ]);
    expect(one("2,000,000")).toEqual(["two million"]);
    expect(one("-3")).toEqual(["minus three", "negative three"]);
  });

  it("reads decimals digit by digit after the point", () => {
    expect(one("3.14")).toEqual(["three point one four"]);
    expect(one("0.5")).toEqual(["zero point five", "point five"]);
  });

  it("reads years as people say them, and as the plain number", () => {
    expect(one("2023")).toEqual([
      "twenty twenty three",
      "two thousand twenty three",
      "two thousand and twenty three",
    ]);
    expect(one("1999.")).toEqual([
      "nineteen ninety nine",
      "nineteen hundred ninety nine",
      "nineteen hundred and ninety nine",
      "one thousand nine hundred ninety nine",
      "one thousand nine hundred and ninety nine",
    ]);
    expect(one("2005")).toContain("twenty oh five");
    expect(one("2005")).toContain("two thousand five");
    expect(one("2000")).toEqual(["two thousand"]);
    expect(one("1900")).toEqual(["nineteen hundred", "one thousand nine hundred"]);
    expect(one("1990s")[0]).toBe("nineteen nineties");
    expect(one("’90s")).toEqual(["nineties"]);
  });

  it("reads ordinals", () => {
    expect(one("21st")).toEqual(["twenty first"]);
    expect(one("3rd")).toEqual(["third"]);
    expect(one("112th")).toEqual(["one hundred twelfth"]);
  });

  it("reads percentages", () => {
    expect(one("37%")).toEqual(["thirty seven percent"]);
    expect(one("4.5%")).toEqual(["four point five percent"]);
  });

  it("reads currency amounts in every common way, the symbol-first TTS reading included", () => {
    const forms = one("$4.50,");
    expect(forms[0]).toBe("four dollars fifty");
    expect(forms).toEqual(
      expect.arrayContaining([
        "four fifty",
        "four dollars and fifty cents",
        "four dollars fifty cents",
        "four point five zero dollars",
        "dollar four point five zero",
      ]),
    );
    expect(one("$4.5")).toContain("four point five dollars");
    expect(one("$1")).toContain("one dollar");
    expect(one("$0.99")[0]).toBe("ninety nine cents");
    expect(one("€20")[0]).toBe("twenty euros");
    expect(one("£3.99")[0]).toBe("three pounds ninety nine");
    expect(one("$3bn")).toEqual(["three billion dollars"]);
  });

  it("moves the currency noun after a scale word that follows the amount", () => {
    expect(read("$1.2 million")).toEqual([["one point two"], ["million dollars", "million"]]);
  });

  it("reads clock times", () => {
    expect(one("7:30")).toEqual(["seven thirty"]);
    expect(one("7:05")).toEqual(["seven oh five"]);
    expect(one("7:00")).toEqual(["seven o'clock", "seven", "seven hundred"]);
    expect(one("a.m.")).toEqual(["a m"]);
    expect(one("7pm")).toEqual(["seven p m"]);
  });

  it("reads units after numbers, and unit abbreviations that are not words on their own", () => {
    expect(one("5km")).toContain("five kilometers");
    expect(read("10 km")[1]).toContain("kilometers");
    expect(read("5 m")[1]).toContain("meters");
    expect(read("a m")[1]).toEqual(["m"]);
    expect(one("kg")).toContain("kilograms");
  });

  it("reads common abbreviations and symbols", () => {
    expect(one("Dr.")).toEqual(["doctor", "drive"]);
    expect(one("Mr")).toEqual(["mister"]);
    expect(one("etc.")).toEqual(["et cetera"]);
    expect(one("e.g.")).toEqual(["for example", "e g"]);
    expect(one("&")).toEqual(["and"]);
    expect(one("#1")).toEqual(["number one"]);
    // "no" is a word; only "No." (with its dot) may be "number".
    expect(one("no")).toEqual(["no"]);
    expect(one("No.")).toEqual(["number", "no"]);
  });

  it("reads fractions, ranges and words with digits in them", () => {
    expect(one("3/4")).toEqual(["three quarters", "three fourths"]);
    expect(one("1/2")).toEqual(["one half", "a half"]);
    expect(one("1990-1995")[0]).toBe("nineteen ninety to nineteen ninety five");
    expect(one("COVID-19")).toEqual(["covid nineteen"]);
    expect(one("mp3")).toEqual(["mp three"]);
  });

  it("gives a token with nothing to say no readings, and strips accents for the dictionary", () => {
    expect(read("— … 🎉")).toEqual([[], [], []]);
    expect(one("café")).toEqual(["cafe"]);
  });

  it("keeps every word safe for a JSGF grammar", () => {
    const all = read("$4.50 2023 7:30 Dr. O'Brien's 37% (hello) [x] <y> {z} a;b|c=d").flat(2).join(" ");
    expect(all).toMatch(/^[a-z0-9' ]+$/);
  });
});
