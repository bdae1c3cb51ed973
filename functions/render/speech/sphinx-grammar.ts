import { guessPronunciation } from "./guess-pronunciation.js";
import type { PronunciationDictionary } from "./pronunciation-dictionary.js";
import type { SpokenForm } from "./spoken-forms.js";

/**
 * The JSGF grammar of a script: its tokens in order, a token with several readings as an alternative
 * `( twenty twenty three | two thousand twenty three )`, so the decoder must follow the script and
 * picks whichever reading it hears.
 */
export function buildGrammar(tokens: readonly (readonly SpokenForm[])[]): string {
  const items = tokens
    .filter((forms) => forms.length > 0)
    .map((forms) =>
      forms.length === 1 ? (forms[0] ?? []).join(" ") : `( ${forms.map((f) => f.join(" ")).join(" | ")} )`,
    );
  return `#JSGF V1.0;\ngrammar script;\npublic <s> = ${items.join(" ")};\n`;
}

/** The dictionary pocketsphinx reads for one script, and each word's phone counts by variant. */
export interface ScriptDictionary {
  text: string;
  /** word → phones per pronunciation (index 0 = `word`, 1 = `word(2)` …). */
  phones: ReadonlyMap<string, number[]>;
}

/** The script's words' entries (alternates included), plus guesses for words the dictionary lacks. */
export function buildScriptDictionary(
  words: Iterable<string>,
  dictionary: PronunciationDictionary,
): ScriptDictionary {
  const lines: string[] = [];
  const phones = new Map<string, number[]>();
  for (const word of new Set(words)) {
    const known = dictionary.get(word) ?? [guessPronunciation(word)];
    known.forEach((p, i) => {
      lines.push(`${i === 0 ? word : `${word}(${i + 1})`} ${p}`);
    });
    phones.set(
      word,
      known.map((p) => p.split(/\s+/).filter(Boolean).length),
    );
  }
  return { text: `${lines.join("\n")}\n`, phones };
}
