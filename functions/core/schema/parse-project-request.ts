import type { z } from "zod";
import type { IssueDetail } from "../errors.js";
import { formatPath } from "./format-path.js";
import { type ProjectLimits, resolveLimits } from "./limits.js";
import { normaliseKeys } from "./normalise-keys.js";
import {
  DEFAULT_FPS,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  GIF_PREVIEW_DEFAULTS,
  type OutputOptions,
  type Project,
  QUALITY_CRF,
} from "./project.js";
import {
  type ElementInput,
  type ProjectInput,
  requestBodySchema,
  type SceneInput,
} from "./request-schema.js";
import { type TextElementInput, textPixels } from "./text-element-schema.js";
import { normaliseTransition } from "./transition-schema.js";

/** A key that `unknownKeys: "strip"` dropped, spelled as the client sent it. */
export interface IgnoredKey {
  /** JSON path of the key (`scenes[0].elements[1].z-indx`, `[0].title` in an array body). */
  path: string;
  key: string;
}

export type ParseResult =
  | { ok: true; projects: Project[]; ignoredKeys: IgnoredKey[] }
  | { ok: false; issues: IssueDetail[] };

export interface ParseOptions {
  /** VideoCraft's array form renders each project as its own job; this caps one request. */
  maxProjects: number;
  /** Deployment limits (config `limits`); unset ones take DEFAULT_LIMITS, none exceeds HARD_LIMITS. */
  limits?: Partial<ProjectLimits>;
  /**
   * `error`: an unknown key is a validation error naming it, so typos cannot pass silently.
   * `strip`: it is dropped and listed in `ignoredKeys` (for VideoCraft's routes: its server
   * ignores keys it does not know, and its clients send some). @default "error"
   */
  unknownKeys?: "error" | "strip";
}

/** Each round strips one more level of nesting (a key inside an unknown key is gone with it). */
const MAX_STRIP_ROUNDS = 16;

/**
 * A hostile body can hold tens of thousands of wrong elements; listing each would make an error
 * response of megabytes (past Lambda's 6 MB response cap, which turns it into a 502).
 */
export const MAX_REPORTED_ISSUES = 100;

/** The first MAX_REPORTED_ISSUES problems, and one line saying how many more were left out. */
export function capIssues(issues: IssueDetail[]): IssueDetail[] {
  if (issues.length <= MAX_REPORTED_ISSUES) return issues;
  const more = issues.length - MAX_REPORTED_ISSUES;
  return [
    ...issues.slice(0, MAX_REPORTED_ISSUES),
    { path: "", message: `${more} more problem${more === 1 ? "" : "s"} not listed` },
  ];
}

/**
 * Validates a decoded JSON body in any accepted form (one project, an array of projects,
 * `{scenes}`) and normalises it. Reports every problem at once, each with its JSON path.
 */
export function parseProjectRequest(body: unknown, options: ParseOptions): ParseResult {
  const limits = resolveLimits(options.limits);
  const { value, renamed, conflicts } = normaliseKeys(body);
  const issues: IssueDetail[] = conflicts.map((path) => ({
    path: path,
    message: "the same key is given twice (once with '-' and once with '_')",
  }));
  const ignoredKeys: IgnoredKey[] = [];
  let parsed = requestBodySchema.safeParse(value);
  for (
    let round = 0;
    options.unknownKeys === "strip" && !parsed.success && round < MAX_STRIP_ROUNDS;
    round++
  ) {
    const unknown = branchIssues(parsed.error.issues, value).filter((i) => i.code === "unrecognized_keys");
    if (unknown.length === 0) break;
    for (const issue of unknown) {
      const holder = valueAt(value, issue.path) as Record<string, unknown>;
      for (const key of issue.keys) {
        delete holder[key];
        ignoredKeys.push(shownKey(formatPath(issue.path), key, renamed));
      }
    }
    parsed = requestBodySchema.safeParse(value);
  }
  if (!parsed.success) {
    issues.push(...parsed.error.issues.flatMap((i) => toDetails(i, value, renamed)));
    return { ok: false, issues: capIssues(dedupe(issues)) };
  }
  const inputs = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  if (inputs.length > options.maxProjects) {
    issues.push({
      path: "",
      message: `at most ${options.maxProjects} projects per request, got ${inputs.length}`,
    });
  }
  inputs.forEach((p, i) => {
    issues.push(...checkProject(p, Array.isArray(parsed.data) ? `[${i}]` : "", limits));
  });
  if (issues.length > 0) return { ok: false, issues: capIssues(issues) };
  return { ok: true, projects: inputs.map(normaliseProject), ignoredKeys };
}

/**
 * The body is one project or an array of them, so zod reports a failure at the root as both
 * branches of the union; only the branch matching what was sent means anything.
 */
function branchIssues(issues: readonly z.core.$ZodIssue[], root: unknown): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === "invalid_union" && issue.path.length === 0 && issue.errors.length === 2) {
      const branch = Array.isArray(root) ? issue.errors[1] : issue.errors[0];
      return branch ? branchIssues(branch, root) : [];
    }
    return [issue];
  });
}

/** A key under `path` (normalised) as the client wrote it. */
function shownKey(path: string, key: string, renamed: Map<string, string>): IgnoredKey {
  const original = renamed.get(path ? `${path}.${key}` : key) ?? key;
  return { path: path ? `${path}.${original}` : original, key: original };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const part of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

function toDetails(issue: z.core.$ZodIssue, root: unknown, renamed: Map<string, string>): IssueDetail[] {
  if (issue.code === "invalid_union" && issue.path.length === 0 && issue.errors.length === 2) {
    if (root === null || typeof root !== "object") {
      return [{ path: "", message: "the body must be a project object or an array of projects" }];
    }
    // A union over project-or-array reports both branches; keep the one matching what was sent.
    const branch = Array.isArray(root) ? issue.errors[1] : issue.errors[0];
    if (branch && branch.length > 0) return branch.flatMap((i) => toDetails(i, root, renamed));
  }
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const shown = shownKey(path, key, renamed);
      return { path: shown.path, message: `unknown key '${shown.key}'` };
    });
  }
  const last = issue.path.at(-1);
  const shown = typeof last === "string" ? (renamed.get(path) ?? last) : undefined;
  const displayPath =
    shown && shown !== last ? path.slice(0, path.length - String(last).length) + shown : path;
  if (issue.code === "invalid_type" && valueAt(root, issue.path) === undefined) {
    return [{ path: displayPath, message: `${shown ?? "value"} is required` }];
  }
  return [{ path: displayPath, message: issue.message }];
}

function dedupe(issues: IssueDetail[]): IssueDetail[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function resolveSize(p: ProjectInput): { width: number; height: number } {
  const m = p.resolution && p.resolution !== "custom" ? /^(\d+)x(\d+)$/.exec(p.resolution) : null;
  return {
    width: p.width ?? (m ? Number(m[1]) : DEFAULT_WIDTH),
    height: p.height ?? (m ? Number(m[2]) : DEFAULT_HEIGHT),
  };
}

/**
 * Rules that span fields; zod checks each field on its own. Each check names paths relative to
 * the project; `base` is the project's own path in an array body (`[2]`), else empty.
 */
function checkProject(p: ProjectInput, base: string, limits: ProjectLimits): IssueDetail[] {
  const seenIds = new Map<string, number>();
  const issues = [
    ...checkResolution(p),
    ...checkFrameSize(p, limits),
    ...checkCounts(p, limits),
    ...checkKnownDuration(p, limits.maxVideoSeconds),
    ...checkTransitionLengths(p),
    ...p.scenes.flatMap((scene, i) => [
      ...checkSceneId(scene, i, seenIds),
      ...checkSceneLength(scene, i),
      ...scene.elements.flatMap((el, j) => [
        ...checkElementStart(el, `scenes[${i}].elements[${j}]`, scene),
        ...checkSubtitles(el, `scenes[${i}].elements[${j}]`, scene),
        ...checkMotion(el, `scenes[${i}].elements[${j}]`),
        ...checkDucking(el, `scenes[${i}].elements[${j}]`),
      ]),
    ]),
    ...(p.elements ?? []).flatMap((el, j) => checkMotion(el, `elements[${j}]`)),
    ...checkTextMargins(p),
  ];
  return issues.map((i) => ({ ...i, path: base ? (i.path ? `${base}.${i.path}` : base) : i.path }));
}

/** `custom` needs both sides; a named size must agree with explicit width/height. */
function checkResolution(p: ProjectInput): IssueDetail[] {
  const issues: IssueDetail[] = [];
  if (p.resolution === "custom" && (p.width === undefined || p.height === undefined)) {
    issues.push({ path: "resolution", message: "resolution 'custom' needs width and height" });
  }
  if (p.resolution && p.resolution !== "custom" && (p.width !== undefined || p.height !== undefined)) {
    const { width, height } = resolveSize(p);
    const m = /^(\d+)x(\d+)$/.exec(p.resolution);
    if (m && (Number(m[1]) !== width || Number(m[2]) !== height)) {
      issues.push({ path: "resolution", message: `resolution ${p.resolution} contradicts width/height` });
    }
  }
  return issues;
}

/** Even sides (H.264 4:2:0) within the deployment's largest frame. */
function checkFrameSize(p: ProjectInput, limits: ProjectLimits): IssueDetail[] {
  const issues: IssueDetail[] = [];
  const { width, height } = resolveSize(p);
  for (const [name, v] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (v % 2 !== 0)
      issues.push({
        path: p[name] !== undefined ? name : "resolution",
        message: `${name} must be even (H.264 4:2:0), got ${v}`,
      });
  }
  if (Math.max(width, height) > limits.maxLongSide || Math.min(width, height) > limits.maxShortSide) {
    issues.push({
      path: p.width !== undefined ? "width" : "resolution",
      message: `output ${width}x${height} is larger than ${limits.maxLongSide}x${limits.maxShortSide}`,
    });
  }
  return issues;
}

/** Scenes per project and elements per scene. */
function checkCounts(p: ProjectInput, limits: ProjectLimits): IssueDetail[] {
  const issues: IssueDetail[] = [];
  if (p.scenes.length > limits.maxScenes) {
    issues.push({
      path: "scenes",
      message: `at most ${limits.maxScenes} scenes per project, got ${p.scenes.length}`,
    });
  }
  p.scenes.forEach((scene, i) => {
    if (scene.elements.length > limits.maxElementsPerScene) {
      issues.push({
        path: `scenes[${i}].elements`,
        message: `at most ${limits.maxElementsPerScene} elements per scene, got ${scene.elements.length}`,
      });
    }
  });
  return issues;
}

/** Scene ids name segments and captions, so each may be used once; `seen` maps id → first scene. */
function checkSceneId(scene: SceneInput, i: number, seen: Map<string, number>): IssueDetail[] {
  if (scene.id === undefined) return [];
  const first = seen.get(scene.id);
  if (first === undefined) {
    seen.set(scene.id, i);
    return [];
  }
  return [{ path: `scenes[${i}].id`, message: `scene id '${scene.id}' is already used by scenes[${first}]` }];
}

/** A scene lasts its duration, or as long as its audio: without either it has no length. */
function checkSceneLength(scene: SceneInput, i: number): IssueDetail[] {
  if (scene.duration !== undefined || scene.elements.some((e) => e.type === "audio")) return [];
  return [
    { path: `scenes[${i}].duration`, message: "a scene needs a duration or at least one audio element" },
  ];
}

/** An element may not start after its scene has ended. */
function checkElementStart(el: ElementInput, at: string, scene: SceneInput): IssueDetail[] {
  if (!("start" in el) || el.start === undefined || scene.duration === undefined) return [];
  if (el.start < scene.duration) return [];
  return [
    { path: `${at}.start`, message: `start ${el.start}s is not inside the scene's ${scene.duration}s` },
  ];
}

/** Captions name an audio element of their scene, and give text or ordered words, not both. */
function checkSubtitles(el: ElementInput, at: string, scene: SceneInput): IssueDetail[] {
  if (el.type !== "subtitles") return [];
  const issues: IssueDetail[] = [];
  if (el.audio !== undefined && !scene.elements.some((a) => a.type === "audio" && a.id === el.audio)) {
    issues.push({ path: `${at}.audio`, message: `no audio element with id '${el.audio}' in this scene` });
  }
  if (el.text !== undefined && el.words !== undefined) {
    issues.push({ path: `${at}.words`, message: "give either text or words, not both" });
  }
  el.words?.forEach((w, k) => {
    if (w.end < w.start) issues.push({ path: `${at}.words[${k}].end`, message: "end is before start" });
    const prev = el.words?.[k - 1];
    if (prev && w.start < prev.end) {
      issues.push({ path: `${at}.words[${k}].start`, message: "words must be ordered and must not overlap" });
    }
  });
  return issues;
}

/** Motion frames the picture itself, so the picture fills its box as `cover` does. */
function checkMotion(el: ElementInput, at: string): IssueDetail[] {
  if ((el.type !== "image" && el.type !== "video") || !el.animation) return [];
  if (el.resize === undefined || el.resize === "cover") return [];
  return [
    { path: `${at}.resize`, message: "an animated picture fills its box: leave resize out or use cover" },
  ];
}

/**
 * A named position keeps `margin` from every edge of the frame: margins that meet in the middle
 * leave the text no room at all (it would be shrunk to nothing).
 */
function checkTextMargins(p: ProjectInput): IssueDetail[] {
  const { width, height } = resolveSize(p);
  const marginOf = (el: TextElementInput) => el.margin ?? p.text_style?.margin;
  const lists: [string, readonly ElementInput[]][] = [
    ["elements", p.elements ?? []],
    ...p.scenes.map((s, i): [string, readonly ElementInput[]] => [`scenes[${i}].elements`, s.elements]),
  ];
  return lists.flatMap(([path, elements]) =>
    elements.flatMap((el, j) => {
      if (el.type !== "text" || el.x !== undefined || el.y !== undefined) return [];
      const margin = marginOf(el);
      if (margin === undefined || 2 * textPixels(margin) < Math.min(width, height)) return [];
      return [
        {
          path: el.margin !== undefined ? `${path}[${j}].margin` : "text_style.margin",
          message: `a margin of ${textPixels(margin)} px on every side leaves no room on a ${width}x${height} frame; use x/y to place the text`,
        },
      ];
    }),
  );
}

/** Ducking lowers background music under the scenes' narration: a scene's own audio is narration. */
function checkDucking(el: ElementInput, at: string): IssueDetail[] {
  if (el.type !== "audio" || el.ducking === undefined) return [];
  return [
    {
      path: `${at}.ducking`,
      message: "ducking applies to background music: put the audio element in the project's elements",
    },
  ];
}

/**
 * The video is at least as long as the scenes' given durations (a scene without one lasts at
 * least as long as the audio lengths it states). When that already passes the limit the request
 * is refused here; lengths known only from probed audio are checked by the render worker.
 */
function checkKnownDuration(p: ProjectInput, max: number): IssueDetail[] {
  let total = 0;
  for (const [i, scene] of p.scenes.entries()) {
    const audioEnds = scene.elements.map((el) =>
      el.type === "audio" ? (el.start ?? 0) + (el.duration ?? 0) : 0,
    );
    total += scene.duration ?? Math.max(0, ...audioEnds);
    if (total > max) {
      return [
        {
          path: scene.duration !== undefined ? `scenes[${i}].duration` : `scenes[${i}]`,
          message: `the video would last at least ${round(total)} s by this scene, longer than the ${round(max)} s limit`,
        },
      ];
    }
  }
  return [];
}

/**
 * A transition's window is centred on its cut, half in each scene; it may take at most half of
 * either scene, so two windows never meet inside one. Checked here for scenes with a given
 * duration; one timed by its audio is checked by the planner, which shortens the transition.
 */
function checkTransitionLengths(p: ProjectInput): IssueDetail[] {
  return p.scenes.flatMap((scene, i) => {
    const previous = p.scenes[i - 1];
    if (!scene.transition || !previous) return [];
    const duration = normaliseTransition(scene.transition).duration;
    const short = [previous, scene].find((s) => s.duration !== undefined && duration > s.duration / 2);
    if (!short) return [];
    const which = short === scene ? `scenes[${i}]` : `scenes[${i - 1}]`;
    return [
      {
        path: `scenes[${i}].transition.duration`,
        message: `a ${round(duration)} s transition is longer than half of ${which} (${round(short.duration ?? 0)} s)`,
      },
    ];
  });
}

const round = (s: number) => Math.round(s * 1000) / 1000;

const OPAQUE_BLACK = "#000000";

function normaliseProject(p: ProjectInput): Project {
  const { width, height } = resolveSize(p);
  const projectBg =
    p.background_color && p.background_color !== "transparent" ? p.background_color : OPAQUE_BLACK;
  const crf =
    typeof p.quality === "number"
      ? p.quality
      : p.quality && p.quality !== "draft"
        ? QUALITY_CRF[p.quality]
        : undefined;
  return {
    ...(p.comment !== undefined ? { comment: p.comment } : {}),
    width,
    height,
    fps: p.fps ?? DEFAULT_FPS,
    ...(crf !== undefined ? { crf } : {}),
    draft: p.quality === "draft",
    background_color: projectBg,
    elements: p.elements ?? [],
    scenes: p.scenes.map((s, i) => ({
      id: s.id ?? `scene-${i}`,
      background_color:
        s.background_color && s.background_color !== "transparent" ? s.background_color : projectBg,
      ...(s.duration !== undefined ? { duration: s.duration } : {}),
      elements: s.elements,
      ...(s.transition ? { transition: normaliseTransition(s.transition) } : {}),
    })),
    ...(p.webhook ? { webhook: p.webhook } : {}),
    ...(p.text_style ? { text_style: p.text_style } : {}),
    ...(typeof p.loudness === "number" ? { loudness: p.loudness } : {}),
    ...(p.output ? { output: normaliseOutput(p.output) } : {}),
  };
}

function normaliseOutput(o: NonNullable<ProjectInput["output"]>): OutputOptions {
  const gif = o.gif_preview === true ? {} : o.gif_preview;
  if (!gif) return { poster: o.poster ?? true };
  const d = GIF_PREVIEW_DEFAULTS;
  return {
    poster: o.poster ?? true,
    gif_preview: { seconds: gif.seconds ?? d.seconds, width: gif.width ?? d.width, fps: gif.fps ?? d.fps },
  };
}
