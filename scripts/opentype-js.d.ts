// The few members of opentype.js (which ships no type declarations) that the font data generator reads.
declare module "opentype.js" {
  export interface Glyph {
    advanceWidth?: number;
  }
  export interface Font {
    unitsPerEm: number;
    tables: { os2?: { usWinAscent: number; usWinDescent: number } };
    glyphs: { length: number; get(index: number): Glyph };
    charToGlyphIndex(char: string): number;
    charToGlyph(char: string): Glyph;
  }
  const opentype: { parse(buffer: ArrayBuffer): Font };
  export default opentype;
}
