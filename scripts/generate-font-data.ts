/**
 * Writes functions/core/captions/font-data.ts: for every bundled font family, which characters it
 * can draw (fontconfig's charset of its regular and bold faces) and how wide its bold (captions, bold
 * text) and regular (text elements of normal weight) glyphs are, so the pure planner can pick a font
 * per script and break lines without reading font files.
 *
 *   npx tsx scripts/generate-font-data.ts            (after changing the font packages)
 *
 * test/integration/font-data.test.ts regenerates it from the installed Debian packages and fails
 * when the committed file differs, so the table cannot drift from the fonts the renderer draws with.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import opentype from "opentype.js";

const run = promisify(execFile);

export const FONTS_ROOT = "/usr/share/fonts/truetype";

interface FamilySource {
  family: string;
  /** Faces, relative to FONTS_ROOT; the last is the one whose widths are measured (bold when there is one). */
  files: string[];
  /** A family a request may name for its captions (the others only stand in for missing glyphs). */
  caption: boolean;
  /** Face index inside a .ttc collection. */
  index?: number;
}

/** Debian packages: fonts-liberation, fonts-dejavu-core, fonts-freefont-ttf, fonts-lohit-telu/-knda, fonts-wqy-microhei, fonts-symbola. */
export const FAMILY_SOURCES: readonly FamilySource[] = [
  {
    family: "Liberation Sans",
    files: ["liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"],
    caption: true,
  },
  {
    family: "Liberation Sans Narrow",
    files: ["liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf"],
    caption: true,
  },
  {
    family: "Liberation Serif",
    files: ["liberation/LiberationSerif-Regular.ttf", "liberation/LiberationSerif-Bold.ttf"],
    caption: true,
  },
  {
    family: "Liberation Mono",
    files: ["liberation/LiberationMono-Regular.ttf", "liberation/LiberationMono-Bold.ttf"],
    caption: true,
  },
  { family: "DejaVu Sans", files: ["dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"], caption: true },
  {
    family: "DejaVu Sans Mono",
    files: ["dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf"],
    caption: true,
  },
  { family: "DejaVu Serif", files: ["dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"], caption: true },
  { family: "FreeSans", files: ["freefont/FreeSans.ttf", "freefont/FreeSansBold.ttf"], caption: false },
  { family: "FreeSerif", files: ["freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf"], caption: false },
  { family: "Lohit Telugu", files: ["lohit-telugu/Lohit-Telugu.ttf"], caption: false },
  { family: "Lohit Kannada", files: ["lohit-kannada/Lohit-Kannada.ttf"], caption: false },
  { family: "WenQuanYi Micro Hei", files: ["wqy/wqy-microhei.ttc"], caption: false, index: 0 },
  { family: "Symbola", files: ["ancient-scripts/Symbola_hint.ttf"], caption: false },
];

/** Characters whose widths are tabled: Latin (to Extended-B), Greek, Cyrillic. */
export const MEASURED_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x24f],
  [0x370, 0x3ff],
  [0x400, 0x4ff],
];

/** fontconfig's charset of one face as sorted, merged [first, last] ranges. */
async function charsetOf(file: string, index: number): Promise<[number, number][]> {
  const { stdout } = await run("fc-query", ["-i", String(index), "--format", "%{charset}", file]);
  return stdout
    .trim()
    .split(/\s+/)
    .filter((s) => s !== "")
    .map((r) => {
      const [a = "", b = a] = r.split("-");
      return [Number.parseInt(a, 16), Number.parseInt(b, 16)] as [number, number];
    });
}

function union(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** One face of a .ttf, or of a .ttc collection rebased so that opentype.js (TTF/OTF only) can read it. */
async function faceBuffer(file: string, index: number): Promise<ArrayBuffer> {
  const bytes = new Uint8Array(await readFile(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) === 0x74746366 /* ttcf */) {
    // Table offsets inside a collection count from the file start, so copying the face's table
    // directory over the collection header yields a readable single font.
    const offset = view.getUint32(12 + 4 * index);
    const numTables = view.getUint16(offset + 4);
    bytes.copyWithin(0, offset, offset + 12 + 16 * numTables);
  }
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

interface Measured {
  emPerSize: number;
  defaultAdvance: number;
  advances: number[];
}

async function measure(file: string, index: number): Promise<Measured> {
  const font = opentype.parse(await faceBuffer(file, index));
  const os2 = font.tables.os2;
  if (!os2) throw new Error(`${file}: no OS/2 table`);
  const perMille = (units: number) => Math.round((units * 1000) / font.unitsPerEm);
  const widths: number[] = [];
  for (let g = 0; g < font.glyphs.length; g++) {
    const w = font.glyphs.get(g).advanceWidth ?? 0;
    if (w > 0) widths.push(perMille(w));
  }
  widths.sort((a, b) => a - b);
  const advances: number[] = [];
  for (const [first, last] of MEASURED_RANGES) {
    for (let c = first; c <= last; c++) {
      const ch = String.fromCodePoint(c);
      advances.push(font.charToGlyphIndex(ch) > 0 ? perMille(font.charToGlyph(ch).advanceWidth ?? 0) : 0);
    }
  }
  return {
    // libass sizes a face so that its OS/2 winAscent + winDescent equal the font size.
    emPerSize: Number((font.unitsPerEm / (os2.usWinAscent + os2.usWinDescent)).toFixed(4)),
    defaultAdvance: widths[Math.floor(widths.length / 2)] ?? 600,
    advances,
  };
}

export async function generateFontData(root = FONTS_ROOT): Promise<string> {
  const entries: string[] = [];
  for (const source of FAMILY_SOURCES) {
    const files = source.files.map((f) => path.join(root, f));
    const ranges = union((await Promise.all(files.map((f) => charsetOf(f, source.index ?? 0)))).flat());
    const measured = await measure(files.at(-1) ?? "", source.index ?? 0);
    const regular = files.length > 1 ? await measure(files[0] ?? "", source.index ?? 0) : measured;
    const coverage = ranges.map(([a, b]) =>
      a === b ? a.toString(16) : `${a.toString(16)}-${b.toString(16)}`,
    );
    entries.push(
      [
        `  ${JSON.stringify(source.family)}: {`,
        `    caption: ${source.caption},`,
        `    emPerSize: ${measured.emPerSize},`,
        `    defaultAdvance: ${measured.defaultAdvance},`,
        `    advances: ${JSON.stringify(source.caption ? measured.advances : [])},`,
        `    regularAdvances: ${JSON.stringify(source.caption ? regular.advances : [])},`,
        `    coverage: ${JSON.stringify(coverage.join(" "))},`,
        "  },",
      ].join("\n"),
    );
  }
  return `${[
    "// Generated by scripts/generate-font-data.ts from the bundled Debian font packages; do not edit.",
    "// biome-ignore-all format: generated data",
    "",
    'import type { FontData } from "./font-data-types.js";',
    "",
    `/** Widths are tabled for ${MEASURED_RANGES.map(([a, b]) => `U+${a.toString(16).toUpperCase()}–U+${b.toString(16).toUpperCase()}`).join(", ")}. */`,
    `export const MEASURED_RANGES: readonly (readonly [number, number])[] = ${JSON.stringify(MEASURED_RANGES)};`,
    "",
    "export const FONT_DATA: Readonly<Record<string, FontData>> = {",
    ...entries,
    "};",
  ].join("\n")}\n`;
}

export const FONT_DATA_PATH = fileURLToPath(
  new URL("../functions/core/captions/font-data.ts", import.meta.url),
);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeFile(FONT_DATA_PATH, await generateFontData());
  console.log(`wrote ${FONT_DATA_PATH}`);
}
