/**
 * Breaks one paragraph into lines no wider than `maxWidth`, greedily: at spaces, and between two
 * CJK characters (which are written without spaces). A single piece wider than `maxWidth` keeps a
 * line of its own; the layout shrinks the font until it fits.
 */
const CJK =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;

export function wrapParagraph(
  paragraph: string,
  measure: (text: string) => number,
  maxWidth: number,
): string[] {
  const words = paragraph.split(" ").filter((w) => w !== "");
  const lines: string[] = [];
  let current = "";
  const place = (piece: string, joiner: string) => {
    const candidate = current === "" ? piece : current + joiner + piece;
    if (current !== "" && measure(candidate) > maxWidth) {
      lines.push(current);
      current = piece;
    } else current = candidate;
  };
  for (const word of words) {
    let joiner = " ";
    for (const piece of splitCjk(word)) {
      place(piece, joiner);
      joiner = "";
    }
  }
  if (current !== "" || lines.length === 0) lines.push(current);
  return lines;
}

/** A word cut before and after every CJK character, so a line may break there. */
function splitCjk(word: string): string[] {
  const pieces: string[] = [];
  let run = "";
  for (const ch of word) {
    if (CJK.test(ch)) {
      if (run !== "") pieces.push(run);
      pieces.push(ch);
      run = "";
    } else run += ch;
  }
  if (run !== "") pieces.push(run);
  return pieces;
}
