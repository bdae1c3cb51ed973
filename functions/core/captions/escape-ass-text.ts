/**
 * Makes user text safe inside an ASS Dialogue line so it renders literally.
 *
 * - `{` and `}` become libass's escaped braces `\{` and `\}` (drawn as plain braces; libass ≥ 0.13,
 *   the renderer ffmpeg uses), so `{\fs200}` can never open an override block.
 * - Every `\` from the user is followed by U+2060 WORD JOINER (zero width, not drawn), so the user's
 *   `\N`, `\n`, `\h` or `\{` is no longer an escape and shows as typed.
 * - Line breaks, tabs and other control characters become spaces: a caption line is one line, and
 *   a raw newline would end the Dialogue record.
 *
 * Only user text goes through here; the override tags the caption builder writes itself are added
 * after escaping.
 */
const WORD_JOINER = "\u2060";

function isLineBreakOrControl(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029;
}

export function escapeAssText(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\\") out += `\\${WORD_JOINER}`;
    else if (ch === "{") out += "\\{";
    else if (ch === "}") out += "\\}";
    else if (isLineBreakOrControl(ch)) out += " ";
    else out += ch;
  }
  return out;
}
