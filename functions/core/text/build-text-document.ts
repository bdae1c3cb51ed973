import { toAssColor } from "../captions/ass-color.js";
import { ASS_EVENTS_HEADER, assScriptInfo } from "../captions/ass-header.js";
import { formatAssTime, toCentiseconds } from "../captions/ass-time.js";
import { composeLineMarkup } from "../captions/caption-line-markup.js";
import type { TextElementInput, TextStyle } from "../schema/text-element-schema.js";
import { clipSegments, type StateSegment, type TextState, textTimeline } from "./text-animation.js";
import { layoutText, type TextLayout } from "./text-layout.js";
import { type ResolvedTextStyle, resolveTextStyle } from "./text-style.js";
import { revealPlan } from "./typewriter.js";

/** One text element as it plays in one scene. */
export interface TextItem {
  element: TextElementInput;
  /** JSON path of the element, for warnings. */
  at: string;
  /** Seconds in the scene; a project-level element may start before the scene and end after it. */
  start: number;
  end: number;
  zIndex: number | undefined;
  /** Position in the document, for stable ties. */
  order: number;
}

export interface TextDocumentInput {
  width: number;
  height: number;
  items: readonly TextItem[];
  sceneDuration: number;
  /** The project's `text_style`, inherited key by key. */
  projectStyle?: TextStyle | undefined;
}

export interface TextDocument {
  /** The `.ass` file for ffmpeg's `subtitles` filter. */
  content: string;
  warnings: string[];
  events: number;
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

/**
 * The scene's text elements as one ASS file, burned into the scene's segment above its pictures
 * and below its captions. libass draws them, so text elements get what captions have: the bundled
 * fonts, a stand-in font per script, right-to-left lines in reading order, and user text that can
 * never become an override tag (it is escaped like caption text; nothing of it reaches a filter
 * graph, which names only the file).
 *
 * Each element is laid out by the planner (lines, box, position: text-layout.ts) and every line is
 * its own event, so line spacing and the box (a vector drawing with rounded corners, one layer
 * below) are exact. Animations are cut into linear segments (text-animation.ts), each one event
 * per line and box moving with `\move`, scaling with `\t(\fscx\fscy)` around the box centre and
 * fading with `\fade`, which libass all interpolate linearly over the event.
 */
export function buildTextDocument(input: TextDocumentInput): TextDocument {
  const frame = { width: input.width, height: input.height };
  const warnings: string[] = [];
  const styles: string[] = [];
  const dialogues: string[] = [];
  const sceneEnd = input.sceneDuration;
  const ranked = [...input.items].sort((a, b) => (a.zIndex ?? 0) - (b.zIndex ?? 0) || a.order - b.order);
  ranked.forEach((item, rank) => {
    const { style, warnings: styleWarnings } = resolveTextStyle(item.element, input.projectStyle, frame);
    warnings.push(...styleWarnings.map((w) => `${item.at}: ${w}`));
    const layout = layoutText(item.element, style, frame);
    const name = `Text${rank}`;
    styles.push(textStyleLine(name, style, layout.fontSize));
    if (style.boxColor) styles.push(boxStyleLine(`${name}Box`, style.boxColor));
    const characters = layout.lines.reduce((n, l) => n + l.text.length, 0);
    const timeline = textTimeline(item.element, item.start, item.end, characters, frame);
    const reveal = revealPlan(layout.lines, timeline, style);
    const missing = new Set<string>();
    for (const segment of clipSegments(timeline.segments, 0, sceneEnd)) {
      const from = toCentiseconds(segment.from);
      const to = toCentiseconds(segment.to);
      if (to <= from) continue;
      const when = `${formatAssTime(from)},${formatAssTime(to)}`;
      const motion = (x: number, y: number) => motionTags(segment, layout, x, y);
      if (style.boxColor) {
        const { box } = layout;
        const path = roundedRect(box.width, box.height, style.boxRadius);
        const tags = `\\an5${motion(box.x + box.width / 2, box.y + box.height / 2)}\\bord0\\shad0\\p1`;
        dialogues.push(`Dialogue: ${2 * rank},${when},${name}Box,,0,0,0,,{${tags}}${path}{\\p0}`);
      }
      layout.lines.forEach((line, li) => {
        if (line.text === "") return;
        const markup = composeLineMarkup([{ text: line.text }], {
          family: style.font.family,
          charTags: reveal.tagsFor(li, from / 100, to / 100),
        });
        for (const ch of markup.missing) missing.add(ch);
        const tags = `\\an${layout.alignment}${motion(line.x, line.y)}`;
        dialogues.push(`Dialogue: ${2 * rank + 1},${when},${name},,0,0,0,,{${tags}}${markup.text}`);
      });
    }
    if (missing.size > 0) {
      warnings.push(
        `${item.at}: no bundled font can draw ${[...missing].slice(0, 8).join(" ")}; shown as empty boxes`,
      );
    }
  });
  const content = [
    ...assScriptInfo(input.width, input.height),
    ...styles,
    "",
    ...ASS_EVENTS_HEADER,
    ...dialogues,
    "",
  ].join("\n");
  return { content, warnings, events: dialogues.length };
}

/** Where a point of the text is in a state: scaled about the box centre, then offset. */
function placed(state: TextState, layout: TextLayout, x: number, y: number): [number, number] {
  const cx = layout.box.x + layout.box.width / 2;
  const cy = layout.box.y + layout.box.height / 2;
  return [cx + state.scale * (x - cx) + state.dx, cy + state.scale * (y - cy) + state.dy];
}

/** `\pos` or `\move`, then scale and fade tags, for a piece anchored at (x, y) over one segment. */
function motionTags(segment: StateSegment, layout: TextLayout, x: number, y: number): string {
  const [x1, y1] = placed(segment.a, layout, x, y);
  const [x2, y2] = placed(segment.b, layout, x, y);
  const moves = fmt(x1) !== fmt(x2) || fmt(y1) !== fmt(y2);
  let tags = moves ? `\\move(${fmt(x1)},${fmt(y1)},${fmt(x2)},${fmt(y2)})` : `\\pos(${fmt(x1)},${fmt(y1)})`;
  const { a, b } = segment;
  if (a.scale !== 1 || b.scale !== 1) {
    tags += `\\fscx${fmt(a.scale * 100)}\\fscy${fmt(a.scale * 100)}`;
    if (a.scale !== b.scale) tags += `\\t(\\fscx${fmt(b.scale * 100)}\\fscy${fmt(b.scale * 100)})`;
  }
  if (a.opacity !== 1 || b.opacity !== 1) {
    const alpha = (o: number) => Math.round(255 * (1 - Math.min(1, Math.max(0, o))));
    const ms = Math.max(1, Math.round((toCentiseconds(segment.to) - toCentiseconds(segment.from)) * 10));
    tags += `\\fade(${alpha(a.opacity)},${alpha(b.opacity)},${alpha(b.opacity)},0,${ms},${ms},${ms})`;
  }
  return tags;
}

/** A rectangle with rounded corners as an ASS drawing (cubic Béziers approximate the arcs). */
export function roundedRect(width: number, height: number, radius: number): string {
  const w = width;
  const h = height;
  const r = Math.max(0, Math.min(radius, w / 2, h / 2));
  if (r === 0) return `m 0 0 l ${fmt(w)} 0 ${fmt(w)} ${fmt(h)} 0 ${fmt(h)}`;
  const k = r * 0.4477; // 1 − 0.5523: the control points of a quarter circle
  const f = (...ns: number[]) => ns.map(fmt).join(" ");
  return [
    `m ${f(r, 0)}`,
    `l ${f(w - r, 0)}`,
    `b ${f(w - k, 0, w, k, w, r)}`,
    `l ${f(w, h - r)}`,
    `b ${f(w, h - k, w - k, h, w - r, h)}`,
    `l ${f(r, h)}`,
    `b ${f(k, h, 0, h - k, 0, h - r)}`,
    `l ${f(0, r)}`,
    `b ${f(0, k, k, 0, r, 0)}`,
  ].join(" ");
}

function textStyleLine(name: string, s: ResolvedTextStyle, fontSize: number): string {
  return [
    `Style: ${name}`,
    s.font.family,
    fmt(fontSize),
    toAssColor(s.color),
    toAssColor(s.color),
    toAssColor(s.outlineColor),
    toAssColor(s.shadowColor),
    s.bold ? -1 : 0,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    1,
    fmt(s.outlineWidth),
    fmt(s.shadowOffset),
    7,
    0,
    0,
    0,
    1,
  ].join(",");
}

function boxStyleLine(name: string, color: string): string {
  const c = toAssColor(color);
  return [
    `Style: ${name}`,
    "Liberation Sans",
    10,
    c,
    c,
    c,
    c,
    0,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    1,
    0,
    0,
    7,
    0,
    0,
    0,
    1,
  ].join(",");
}
