import { toCardinal, toOrdinal } from "n2words/en-US";

/**
 * How each token of an English script is said out loud, before the aligner builds its grammar and
 * dictionary: "2023", "37%", "$4.50", "21st", "7:30", "Dr." become the words a speaker (or a TTS
 * voice) says. Where people say a token in more than one way ("twenty twenty-three" or "two thousand
 * twenty-three", "four dollars fifty" or "four dollars and fifty cents"), every common reading is
 * returned and the grammar offers them all: the decoder picks the one it hears. The display token is
 * untouched; this only decides what audio to look for.
 *
 * Output words are lower case, letters, digits and inner apostrophes only (safe in a JSGF grammar).
 */
export type SpokenForm = readonly string[];

/** At most this many readings per token: enough for every common reading, cheap for the decoder. */
const MAX_FORMS = 16;

const split = (s: string): string[] =>
  s
    .toLowerCase()
    .split(/[^a-z0-9']+/)
    .filter(Boolean);

const dedupe = (forms: readonly SpokenForm[]): SpokenForm[] => {
  const seen = new Set<string>();
  return forms.filter((f) => {
    const key = f.join(" ");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Every combination of one reading per part, in order, capped. */
function sequence(parts: readonly (readonly SpokenForm[])[]): SpokenForm[] {
  let out: SpokenForm[] = [[]];
  for (const options of parts) {
    if (options.length === 0) continue;
    const next: SpokenForm[] = [];
    for (const head of out) for (const o of options) if (next.length < MAX_FORMS) next.push([...head, ...o]);
    out = next;
  }
  return dedupe(out);
}

/** An integer (digits only) as a cardinal, with and without "and" after the hundreds. */
function cardinal(digits: string): SpokenForm[] {
  const n = digits.replace(/^0+(?=\d)/, "");
  const forms = [split(toCardinal(n)), split(toCardinal(n, { and: true }))];
  const value = Number(n);
  // "twelve hundred fifty" for 1,250 and "twenty-five hundred" for 2500, never "twenty hundred".
  if (value >= 1100 && value <= 9999 && Math.floor(value / 100) % 10 !== 0) {
    forms.push(split(toCardinal(n, { hundredPairing: true })));
  }
  return dedupe(forms);
}

const DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const digitByDigit = (digits: string): SpokenForm => [...digits].map((d) => DIGIT_WORDS[Number(d)] ?? "zero");

/** "4.5" → four point five; "0.5" also "point five". */
function decimal(whole: string, fraction: string): SpokenForm[] {
  const after = ["point", ...digitByDigit(fraction)];
  const forms = cardinal(whole || "0").map((w) => [...w, ...after]);
  if (!whole || /^0+$/.test(whole)) forms.push(after);
  return forms;
}

/** A plain number: "1,250", "42", "-3", "4.5". */
function number(text: string): SpokenForm[] | undefined {
  const m = /^([-−]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/.exec(text);
  if (!m || (!m[2] && !m[3])) return undefined;
  const whole = (m[2] ?? "").replace(/,/g, "");
  const forms = m[3] !== undefined ? decimal(whole, m[3]) : cardinal(whole);
  if (!m[1]) return forms;
  return sequence([[["minus"], ["negative"]], forms]);
}

/**
 * Years 1000–2099 as people say them ("nineteen ninety-nine", "twenty twenty-three", "twenty oh
 * five"; before 2000 also "nineteen hundred (and) ninety-nine"), plus the plain cardinal.
 */
function year(digits: string): SpokenForm[] | undefined {
  if (!/^[12]\d{3}$/.test(digits)) return undefined;
  const y = Number(digits);
  if (y > 2099) return undefined;
  const hi = split(toCardinal(Math.floor(y / 100)));
  const lo = y % 100;
  const loWords = split(toCardinal(lo));
  const forms: SpokenForm[] = [];
  if (lo === 0) {
    if (y % 1000 !== 0) forms.push([...hi, "hundred"]);
  } else {
    forms.push(lo < 10 ? [...hi, "oh", ...loWords] : [...hi, ...loWords]);
    if (y < 2000) forms.push([...hi, "hundred", ...loWords], [...hi, "hundred", "and", ...loWords]);
  }
  return dedupe([...forms, ...cardinal(digits)]);
}

/** "twenty" → "twenties", "hundred" → "hundreds": a decade or a plural of a number. */
const plural = (form: SpokenForm): SpokenForm => {
  const last = form[form.length - 1] ?? "";
  const p = last.endsWith("y") ? `${last.slice(0, -1)}ies` : `${last}s`;
  return [...form.slice(0, -1), p];
};

/** "1990s" → nineteen nineties, "'90s" and "90s" → nineties. */
function decade(text: string): SpokenForm[] | undefined {
  const m = /^['’]?(\d{2}|\d{4})s$/.exec(text);
  if (!m?.[1]) return undefined;
  const digits = m[1];
  if (digits.length === 2) return [plural(split(toCardinal(Number(digits))))];
  return dedupe([...(year(digits) ?? cardinal(digits))].map(plural));
}

function ordinal(text: string): SpokenForm[] | undefined {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)$/i.exec(text);
  if (!m?.[1]) return undefined;
  const n = m[1].replace(/,/g, "");
  return Number(n) === 0 ? [["zeroth"]] : [split(toOrdinal(n))];
}

/** "7:30" → seven thirty, "7:05" → seven oh five, "7:00" → seven o'clock / seven / seven hundred. */
function clockTime(text: string): SpokenForm[] | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59) return undefined;
  const hour = split(toCardinal(h));
  if (min === 0) return [[...hour, "o'clock"], hour, [...hour, "hundred"]];
  if (min < 10) return [[...hour, "oh", ...split(toCardinal(min))]];
  return [[...hour, ...split(toCardinal(min))]];
}

interface Currency {
  major: [string, string];
  minor: [string, string];
}
const CURRENCIES: Record<string, Currency> = {
  $: { major: ["dollar", "dollars"], minor: ["cent", "cents"] },
  "€": { major: ["euro", "euros"], minor: ["cent", "cents"] },
  "£": { major: ["pound", "pounds"], minor: ["penny", "pence"] },
  "¥": { major: ["yen", "yen"], minor: ["sen", "sen"] },
};
const SCALE_WORDS: Record<string, string> = {
  k: "thousand",
  thousand: "thousand",
  m: "million",
  mn: "million",
  million: "million",
  b: "billion",
  bn: "billion",
  billion: "billion",
  trillion: "trillion",
};

/**
 * "$4.50" → four dollars fifty / four dollars and fifty cents / four fifty / four point five zero
 * dollars / dollars four point five zero (some TTS voices read the symbol first). With a scale
 * ("$1.2m", or "$1.2" before the word "million": `scaleFollows`) the noun follows the scale, and
 * then belongs to the next token when that token is the scale word.
 */
function currency(text: string, scaleFollows: boolean): SpokenForm[] | undefined {
  const m = /^([$€£¥])(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?([a-z]+)?$/i.exec(text);
  if (!m?.[1] || (!m[2] && !m[3])) return undefined;
  const cur = CURRENCIES[m[1]];
  if (!cur) return undefined;
  const whole = (m[2] ?? "0").replace(/,/g, "");
  const frac = m[3];
  const suffixScale = m[4] ? SCALE_WORDS[m[4].toLowerCase()] : undefined;
  if (m[4] && !suffixScale) return undefined;
  const amount = frac !== undefined ? decimal(whole, frac) : cardinal(whole);
  const noun = (one: boolean, [singular, pluralNoun]: [string, string]) => [[one ? singular : pluralNoun]];
  const major = noun(Number(whole) === 1 && frac === undefined, cur.major);
  if (suffixScale) return sequence([amount, [[suffixScale]], [[cur.major[1]]]]);
  if (scaleFollows) return amount;
  const forms: SpokenForm[] = [];
  const cents = frac !== undefined && frac.length <= 2 ? Number(frac.padEnd(2, "0")) : 0;
  if (cents > 0) {
    const dollars = cardinal(whole);
    const unit = noun(Number(whole) === 1, cur.major);
    const minor = cardinal(String(cents));
    const minorUnit = noun(cents === 1, cur.minor);
    if (Number(whole) === 0) forms.push(...sequence([minor, minorUnit]));
    forms.push(
      ...sequence([dollars, unit, minor]),
      ...sequence([dollars, minor]),
      ...sequence([dollars, unit, [["and"], []], minor, minorUnit]),
    );
  }
  // The decimal reading, then the symbol read first as some TTS voices do ("dollar four point five").
  forms.push(...sequence([amount, major]), ...sequence([[[cur.major[0]], [cur.major[1]]], amount]));
  return dedupe(forms).slice(0, MAX_FORMS);
}

function percent(text: string): SpokenForm[] | undefined {
  const m = /^(.+)%$/.exec(text);
  if (!m?.[1]) return undefined;
  const n = number(m[1]);
  return n ? sequence([n, [["percent"]]]) : undefined;
}

const FRACTION_NAMES: Record<string, [string, string]> = {
  "2": ["half", "halves"],
  "3": ["third", "thirds"],
  "4": ["quarter", "quarters"],
};

/** "1/2" → one half / a half, "3/4" → three quarters / three fourths. */
function fraction(text: string): SpokenForm[] | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})$/.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const [num, den] = [Number(m[1]), Number(m[2])];
  if (den < 2 || den > 10 || num === 0) return undefined;
  const name = FRACTION_NAMES[m[2]];
  const ord = split(toOrdinal(den));
  const names: SpokenForm[] = [];
  if (name) names.push(split(num === 1 ? name[0] : name[1]));
  // "three fourths" beside "three quarters"; but a "second" is never a half.
  if (den > 3) names.push(num === 1 ? ord : plural(ord));
  const count = num === 1 ? [["one"], ["a"]] : cardinal(String(num));
  return sequence([count, names]);
}

/** Abbreviations and symbols read as words (keys lower case, trailing dot optional unless shown). */
const ABBREVIATIONS: Record<string, string[]> = {
  mr: ["mister"],
  mrs: ["missus", "misses"],
  ms: ["ms"],
  dr: ["doctor", "drive"],
  st: ["saint", "street"],
  jr: ["junior"],
  sr: ["senior"],
  vs: ["versus"],
  etc: ["et cetera"],
  "e.g": ["for example", "e g"],
  "i.e": ["that is", "i e"],
  approx: ["approximately"],
  no: ["number", "no"],
  fig: ["figure"],
  mt: ["mount"],
  ave: ["avenue"],
  dept: ["department"],
  inc: ["incorporated", "inc"],
  ltd: ["limited"],
  govt: ["government"],
  "&": ["and"],
  "+": ["plus"],
  "=": ["equals"],
  "@": ["at"],
  "%": ["percent"],
};
/** Abbreviations that are also ordinary words without their dot: only expanded with it. */
const DOT_ONLY = new Set(["no", "fig", "mt", "ave", "inc", "ms"]);

/** Units after a number ("5km", or "km" right after "5"); the unit alone when not an English word. */
const UNITS: Record<string, string[]> = {
  km: ["kilometers", "kilometer", "k m"],
  kg: ["kilograms", "kilogram", "kilos", "k g"],
  cm: ["centimeters", "centimeter"],
  mm: ["millimeters", "millimeter"],
  mph: ["miles per hour", "m p h"],
  kmh: ["kilometers per hour"],
  "km/h": ["kilometers per hour", "k m h"],
  ft: ["feet", "foot"],
  lbs: ["pounds"],
  lb: ["pounds", "pound"],
  oz: ["ounces", "ounce"],
  kb: ["kilobytes", "k b"],
  mb: ["megabytes", "m b"],
  gb: ["gigabytes", "g b", "gigs"],
  tb: ["terabytes", "t b"],
  ghz: ["gigahertz"],
  mhz: ["megahertz"],
  "°c": ["degrees celsius", "degrees"],
  "°f": ["degrees fahrenheit", "degrees"],
  "°": ["degrees"],
};
/** Units that are ordinary words or letters on their own: only expanded right after a number. */
const UNITS_AFTER_NUMBER: Record<string, string[]> = {
  m: ["meters", "meter", "million"],
  g: ["grams", "gram"],
  s: ["seconds", "second"],
  h: ["hours", "hour"],
  hr: ["hours", "hour"],
  hrs: ["hours"],
  min: ["minutes", "minute"],
  mins: ["minutes"],
  sec: ["seconds", "second"],
  x: ["times"],
  k: ["thousand", "k"],
  bn: ["billion"],
  l: ["liters", "liter"],
  ml: ["milliliters"],
  am: ["a m"],
  pm: ["p m"],
};
const unitForms = (list: readonly string[]): SpokenForm[] => list.map(split);

/** Strips the quotes, brackets and sentence punctuation around a token (not "." of "Dr.", "%", "$"). */
function core(token: string): string {
  return token
    .normalize("NFKC")
    .replace(/[‘’`´]/g, "'")
    .replace(/[−–]/g, "-")
    .replace(/^[^\p{L}\p{N}$€£¥'&+=@#%°-]+/u, "")
    .replace(/[^\p{L}\p{N}.%°&+=@']+$/u, "")
    .replace(/^'+(?!\d)|'+$/g, "");
}

const isNumeric = (text: string) => /^[-$€£¥#]?\d/.test(text);

/** Readings of one token without context, or undefined when it holds nothing special. */
function special(text: string, scaleFollows: boolean): SpokenForm[] | undefined {
  const lower = text.toLowerCase();
  const bare = lower.replace(/\.$/, "");
  const abbreviation = ABBREVIATIONS[bare];
  if (abbreviation && (lower.endsWith(".") || !DOT_ONLY.has(bare))) return unitForms(abbreviation);
  const unit = UNITS[bare];
  if (unit) return unitForms(unit);
  const plain = text.replace(/\.$/, "");
  const hash = /^#(\d+)$/.exec(plain);
  if (hash?.[1]) return sequence([[["number"]], cardinal(hash[1])]);
  return (
    currency(plain, scaleFollows) ??
    percent(plain) ??
    ordinal(plain) ??
    clockTime(plain) ??
    decade(plain) ??
    fraction(plain) ??
    (/^\d{4}$/.test(plain) ? year(plain) : undefined) ??
    number(plain) ??
    numberWithUnit(plain)
  );
}

/** "5km", "7pm", "10x", "3.5GB": a number glued to a unit. */
function numberWithUnit(text: string): SpokenForm[] | undefined {
  const m = /^(\d+(?:\.\d+)?)([a-z°/]+)$/i.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const unit = m[2].toLowerCase();
  const words = UNITS[unit] ?? UNITS_AFTER_NUMBER[unit];
  const n = number(m[1]);
  return words && n ? sequence([n, unitForms(words)]) : undefined;
}

/** Anything else: letters stay words, digit runs are numbers ("COVID-19", "mp3", "1990-1995"). */
function parts(text: string): SpokenForm[] {
  const pieces =
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .match(/\d+(?:[.,]\d+)*|[\p{L}']+/gu) ?? [];
  const range = /^(\d+)-(\d+)$/.test(text);
  const readings = pieces.map((p): SpokenForm[] => {
    if (!/^\d/.test(p)) {
      const word = p.replace(/^'+|'+$/g, "");
      return word ? [[word]] : [];
    }
    return (p.length === 4 && year(p)) || number(p) || [digitByDigit(p.replace(/\D/g, ""))];
  });
  if (range && readings.length === 2) return sequence([readings[0] ?? [], [["to"], []], readings[1] ?? []]);
  return sequence(readings);
}

/**
 * The readings of every token of a script (tokens as split on white space), in order. A token with
 * nothing to say (a dash, an emoji) gets no readings. Context: a unit right after a number is read
 * as a unit ("5 km"), and a currency amount before a scale word moves its noun after the scale
 * ("$1.2 million" → one point two million dollars).
 */
export function spokenForms(tokens: readonly string[]): SpokenForm[][] {
  const cores = tokens.map(core);
  return cores.map((text, i) => {
    if (!text) return [];
    const prev = cores[i - 1] ?? "";
    const next = (cores[i + 1] ?? "").toLowerCase();
    const lower = text.toLowerCase();
    const scaleWord = SCALE_WORDS[lower];
    if (scaleWord && scaleWord === lower && /^[$€£¥]/.test(prev)) {
      const cur = CURRENCIES[prev[0] ?? "$"];
      return cur ? [[scaleWord, cur.major[1]], [scaleWord]] : [[scaleWord]];
    }
    const unit = isNumeric(prev) ? UNITS_AFTER_NUMBER[lower.replace(/\.$/, "")] : undefined;
    if (unit) return unitForms(unit);
    const nextIsScale = SCALE_WORDS[next] === next && next !== "";
    const forms = special(text, nextIsScale) ?? parts(text);
    return dedupe(forms.filter((f) => f.length > 0)).slice(0, MAX_FORMS);
  });
}
