import { inheritSettings } from "../../core/captions/caption-settings.js";
import type { Word } from "../../core/captions/word.js";
import type { SceneCaption, SourceMap } from "../../core/plan/render-plan.js";
import { buildTimeline } from "../../core/plan/scene-timeline.js";
import type { Project } from "../../core/schema/project.js";
import type { AudioElementInput, SubtitlesElementInput } from "../../core/schema/request-schema.js";
import {
  type NarrationAudio,
  type ResolveWordTimingsDeps,
  resolveWordTimings,
} from "../speech/resolve-word-timings.js";

interface Applied {
  el: SubtitlesElementInput;
  at: string;
  /** The project element whose settings a scene's element inherited. */
  inherits?: string;
  /** A scene's own element (a project element only applies to scenes that have narration). */
  own: boolean;
}

/**
 * Word timings for every caption the project asks for (the pipeline's step after fetch and probe). A scene's
 * own `subtitles` elements caption it, each inheriting every setting of the project's (first) `subtitles`
 * element that it does not set itself; a scene with none of its own is captioned by the project's. Each
 * element captions the audio it names (`audio: <id>`) or all narration of the scene; a known script (`text`)
 * is aligned to the first of those, since one script cannot be split across recordings.
 *
 * Every applied element gets an entry, with no words when nothing could be captioned, and a warning says why
 * and what to do — except for a project element on a scene without narration, which has nothing to caption.
 */
export async function resolveCaptions(
  project: Project,
  sources: SourceMap,
  localPaths: ReadonlyMap<string, string>,
  deps: ResolveWordTimingsDeps,
): Promise<{ captions: SceneCaption[]; warnings: string[] }> {
  const timeline = buildTimeline(project, sources);
  const globals = project.elements.flatMap((el, k) =>
    el.type === "subtitles" ? [{ el, at: `elements[${k}]` }] : [],
  );
  const inheritFrom = globals[0];
  const captions: SceneCaption[] = [];
  const warnings: string[] = [];
  for (const timing of timeline.scenes) {
    const scene = project.scenes[timing.index];
    if (!scene) continue;
    const own = scene.elements.flatMap((el, j): Applied[] =>
      el.type === "subtitles"
        ? [
            {
              el: inheritSettings(el, inheritFrom?.el),
              at: `scenes[${timing.index}].elements[${j}]`,
              ...(inheritFrom ? { inherits: inheritFrom.at } : {}),
              own: true,
            },
          ]
        : [],
    );
    const applied: Applied[] =
      own.length > 0
        ? own
        : globals.map((g) => ({ el: inheritSettings(g.el, undefined), at: g.at, own: false }));
    const audios = scene.elements.filter((el): el is AudioElementInput => el.type === "audio");
    for (const { el, at, inherits, own: isOwn } of applied) {
      const narration = narrationFor(el, audios, sources, localPaths, timing.duration);
      const targets = el.text || el.words ? narration.slice(0, 1) : narration;
      const words: Word[] = [];
      if (targets.length === 0 && el.words) {
        const r = await resolveWordTimings(el, undefined, deps);
        words.push(...r.words);
        warnings.push(...r.warnings.map((w) => `${at}: ${w}`));
      }
      for (const audio of targets) {
        const r = await resolveWordTimings(el, audio, deps);
        words.push(...r.words);
        warnings.push(...r.warnings.map((w) => `${at}: ${w}`));
      }
      words.sort((a, b) => a.start - b.start);
      const why = words.length > 0 ? undefined : noCaptionsReason(el, targets.length > 0, isOwn);
      if (why) warnings.push(`${at}: scene ${timing.index} has no captions: ${why}`);
      captions.push({
        sceneIndex: timing.index,
        element: at,
        ...(inherits ? { inherits } : {}),
        words,
        settings: el.settings,
      });
    }
  }
  return { captions, warnings: [...new Set(warnings)] };
}

function noCaptionsReason(el: SubtitlesElementInput, hadAudio: boolean, own: boolean): string | undefined {
  if (!hadAudio) {
    if (!own) return undefined;
    return el.audio !== undefined
      ? `its audio element '${el.audio}' does not play in the scene; name an audio element that does, or give the words with their times in words`
      : "the scene has no narration audio; add an audio element, or give the words with their times in words";
  }
  if (el.words) return "none of the given words fall inside the narration";
  if (el.text) {
    return "the script could not be aligned to the narration; check that text is what is spoken, or give the words with their times in words";
  }
  return "no speech was recognised in the narration; check that the audio has speech (and its language), or give the script as text";
}

function narrationFor(
  el: SubtitlesElementInput,
  audios: readonly AudioElementInput[],
  sources: SourceMap,
  localPaths: ReadonlyMap<string, string>,
  sceneDuration: number,
): NarrationAudio[] {
  const chosen = el.audio === undefined ? audios : audios.filter((a) => a.id === el.audio);
  return chosen.flatMap((a) => {
    const path = localPaths.get(a.src);
    const offset = a.start ?? 0;
    const playable = Math.min(a.duration ?? Number.POSITIVE_INFINITY, sceneDuration - offset);
    if (!path || playable <= 0) return [];
    return [
      {
        path,
        offset,
        language: a.language,
        format: sources.get(a.src)?.format,
        ...(Number.isFinite(playable) ? { duration: playable } : {}),
      },
    ];
  });
}
