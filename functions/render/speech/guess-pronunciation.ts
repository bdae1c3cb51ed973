/**
 * A rough English letter-to-sound guess in CMU/ARPAbet phones, for script words the pronunciation
 * dictionary lacks (names, made-up words). It need not be right: it gives the aligner a word of
 * about the right length and sound so the word's audio is not absorbed by its neighbours (which
 * shifts them). Digits are spoken digit by digit ("42" → "four two").
 */

const DIGITS: Record<string, string> = {
  "0": "Z IH R OW",
  "1": "W AH N",
  "2": "T UW",
  "3": "TH R IY",
  "4": "F AO R",
  "5": "F AY V",
  "6": "S IH K S",
  "7": "S EH V AH N",
  "8": "EY T",
  "9": "N AY N",
};

/** Longest spellings first. */
const RULES: [string, string][] = [
  ["tch", "CH"],
  ["sch", "S K"],
  ["ch", "CH"],
  ["sh", "SH"],
  ["th", "TH"],
  ["ph", "F"],
  ["ng", "NG"],
  ["ck", "K"],
  ["qu", "K W"],
  ["wh", "W"],
  ["gh", "G"],
  ["oo", "UW"],
  ["ee", "IY"],
  ["ea", "IY"],
  ["ai", "EY"],
  ["ay", "EY"],
  ["oa", "OW"],
  ["ou", "AW"],
  ["ow", "OW"],
  ["oi", "OY"],
  ["oy", "OY"],
  ["au", "AO"],
  ["aw", "AO"],
  ["er", "ER"],
  ["ir", "ER"],
  ["ur", "ER"],
  ["ar", "AA R"],
  ["or", "AO R"],
  ["a", "AE"],
  ["b", "B"],
  ["c", "K"],
  ["d", "D"],
  ["e", "EH"],
  ["f", "F"],
  ["g", "G"],
  ["h", "HH"],
  ["i", "IH"],
  ["j", "JH"],
  ["k", "K"],
  ["l", "L"],
  ["m", "M"],
  ["n", "N"],
  ["o", "AA"],
  ["p", "P"],
  ["q", "K"],
  ["r", "R"],
  ["s", "S"],
  ["t", "T"],
  ["u", "AH"],
  ["v", "V"],
  ["w", "W"],
  ["x", "K S"],
  ["y", "IY"],
  ["z", "Z"],
];

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);

/** Space-separated phones, or "" when the word has nothing pronounceable. */
export function guessPronunciation(word: string): string {
  const w = word
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    // double letters sound once; a final silent e after a consonant is dropped
    .replace(/([b-df-hj-np-tv-z])\1/g, "$1")
    .replace(/([^aeiouy])e$/, "$1");
  const phones: string[] = [];
  let i = 0;
  while (i < w.length) {
    const ch = w[i] ?? "";
    const digit = DIGITS[ch];
    if (digit) {
      phones.push(digit);
      i++;
      continue;
    }
    if (ch === "y" && i === 0 && w.length > 1 && VOWELS.has(w[1] ?? "")) {
      phones.push("Y");
      i++;
      continue;
    }
    const rule = RULES.find(([spelling]) => w.startsWith(spelling, i));
    if (!rule) {
      i++;
      continue;
    }
    phones.push(rule[1]);
    i += rule[0].length;
  }
  return phones.join(" ");
}
