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

/**
 * Word timings for every caption the project asks for (SPEC §6 step 2). A scene's own `subtitles`
 * elements caption it; a global one captions every scene that has none of its own. Each element
 * captions the audio it names (`audio: <id>`) or all narration of the scene; a known script
 * (`text`) is aligned to the first of those, since one script cannot be split across recordings.
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
  const captions: SceneCaption[] = [];
  const warnings: string[] = [];
  for (const timing of timeline.scenes) {
    const scene = project.scenes[timing.index];
    if (!scene) continue;
    const own = scene.elements.flatMap((el, j) =>
      el.type === "subtitles" ? [{ el, at: `scenes[${timing.index}].elements[${j}]` }] : [],
    );
    const audios = scene.elements.filter((el): el is AudioElementInput => el.type === "audio");
    for (const { el, at } of own.length > 0 ? own : globals) {
      const narration = narrationFor(el, audios, localPaths, timing.duration);
      const targets = el.text || el.words ? narration.slice(0, 1) : narration;
      const words: Word[] = [];
      if (targets.length === 0) {
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
      captions.push({ sceneIndex: timing.index, element: at, words, settings: el.settings });
    }
  }
  return { captions, warnings: [...new Set(warnings)] };
}

function narrationFor(
  el: SubtitlesElementInput,
  audios: readonly AudioElementInput[],
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
      { path, offset, language: a.language, ...(Number.isFinite(playable) ? { duration: playable } : {}) },
    ];
  });
}
