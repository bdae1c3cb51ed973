import { guessPronunciation } from "./guess-pronunciation.js";
import type { PronunciationDictionary } from "./pronunciation-dictionary.js";
import { type SpokenForm, spokenForms } from "./spoken-forms.js";

/** A display token of the script and the ways it may be spoken. */
export interface ScriptToken {
  /** What the caption shows: the user's spelling, case and punctuation. */
  text: string;
  /** Readings whose every word is in the dictionary or has a guessed pronunciation. */
  forms: SpokenForm[];
  /** Words of those readings that are not in the dictionary (pronunciation guessed from spelling). */
  guessed: string[];
}

/** Characters of scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar). */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** Where a phrase ends in those scripts: after their own punctuation. */
const UNSPACED_PHRASE_END = /(?<=[，。！？、；：,.!?;:」』）])/u;

/**
 * The script's display tokens: split on white space; a text without spaces between words (Chinese,
 * Japanese, Thai…) is also split after its phrase punctuation, so a caption shows a phrase at a time
 * instead of the whole paragraph as one "word".
 */
export function splitScript(script: string): string[] {
  return script
    .split(/\s+/)
    .flatMap((t) => (UNSPACED.test(t) ? t.split(UNSPACED_PHRASE_END) : [t]))
    .filter(Boolean);
}

/**
 * English script tokens with their spoken readings: numbers, currency, times and abbreviations are
 * expanded into words; a token with nothing to say (a dash, an emoji) joins the token before it, so
 * every caption word has speech behind it. A reading with a word that has neither a dictionary entry
 * nor a guessable pronunciation is dropped; a token left with no readings is timed from its neighbours.
 */
export function tokenizeScript(script: string, dictionary: PronunciationDictionary): ScriptToken[] {
  const raw = splitScript(script);
  const readings = spokenForms(raw);
  const tokens: ScriptToken[] = [];
  raw.forEach((text, i) => {
    const all = readings[i] ?? [];
    if (all.length === 0) {
      const prev = tokens[tokens.length - 1];
      if (prev) prev.text += ` ${text}`;
      else tokens.push({ text, forms: [], guessed: [] });
      return;
    }
    const speakable = (w: string) => dictionary.has(w) || guessPronunciation(w) !== "";
    const forms = all.filter((f) => f.every(speakable));
    const guessed = [...new Set(forms.flat().filter((w) => !dictionary.has(w)))];
    tokens.push({ text, forms, guessed });
  });
  return tokens;
}
