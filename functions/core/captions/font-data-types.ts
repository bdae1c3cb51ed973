/** What the caption planner knows about one bundled font family (see font-data.ts). */
export interface FontData {
  /** A family a request may name for its captions; the others only stand in for missing glyphs. */
  caption: boolean;
  /** Em size per unit of ASS font size: libass makes winAscent + winDescent equal the font size. */
  emPerSize: number;
  /** Median advance of the family's glyphs, per mille of the em (for characters not tabled). */
  defaultAdvance: number;
  /** Bold advances per mille of the em for MEASURED_RANGES, in order; 0 = not in the font. Empty for stand-ins. */
  advances: readonly number[];
  /** The same for the regular face (text elements of normal weight). */
  regularAdvances: readonly number[];
  /** Characters the regular or bold face has: hex code points and ranges, `20-7e a0-17f …`. */
  coverage: string;
}
