import { readFile } from "node:fs/promises";

/** Debian package `pocketsphinx-en-us`: the CMU pronouncing dictionary, one `word phones…` per line. */
export const DEFAULT_SPHINX_DICT = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

/** Word → its pronunciations (alternates `word(2)` included, in file order). */
export interface PronunciationDictionary {
  has(word: string): boolean;
  /** Space-separated phones per pronunciation; undefined when the word is not in the dictionary. */
  get(word: string): readonly string[] | undefined;
  readonly size: number;
}

/**
 * Indexes the dictionary text without splitting it: one map entry per word pointing at its lines'
 * offsets, phones sliced out only for the few words a script uses. This halves the CPU cost of
 * loading the 126,000-word file against building every entry's phone strings up front.
 */
export function indexDictionary(text: string): PronunciationDictionary {
  const lines = new Map<string, number | number[]>();
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const space = text.indexOf(" ", at);
    if (space > at && space < end) {
      let word = text.slice(at, space);
      // "word(2)": an alternate pronunciation of "word".
      if (word.endsWith(")")) word = word.slice(0, word.lastIndexOf("(")) || word;
      const seen = lines.get(word);
      if (seen === undefined) lines.set(word, at);
      else if (typeof seen === "number") lines.set(word, [seen, at]);
      else seen.push(at);
    }
    at = end + 1;
  }
  const phonesAt = (at: number) => {
    const end = text.indexOf("\n", at);
    const line = text.slice(at, end < 0 ? text.length : end);
    return line.slice(line.indexOf(" ") + 1).trim();
  };
  return {
    has: (word) => lines.has(word),
    get: (word) => {
      const at = lines.get(word);
      if (at === undefined) return undefined;
      return typeof at === "number" ? [phonesAt(at)] : at.map(phonesAt);
    },
    get size() {
      return lines.size;
    },
  };
}

const loaded = new Map<string, Promise<PronunciationDictionary>>();

/**
 * The dictionary at `path`, read and indexed once per process and path: every later job in a warm
 * Lambda container or a local worker reuses it.
 */
export function loadDictionary(path: string = DEFAULT_SPHINX_DICT): Promise<PronunciationDictionary> {
  let cached = loaded.get(path);
  if (!cached) {
    cached = readFile(path, "utf8").then(indexDictionary);
    loaded.set(path, cached);
    cached.catch(() => loaded.delete(path));
  }
  return cached;
}
