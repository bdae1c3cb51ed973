import {
  SUBTITLE_SETTING_KEYS,
  type SubtitleSettings,
  type SubtitlesElementInput,
} from "../schema/request-schema.js";

/** An element's own settings: its `settings` object and the same keys written on the element itself. */
export function ownSettings(el: SubtitlesElementInput): SubtitleSettings {
  const flat: Record<string, unknown> = {};
  for (const key of SUBTITLE_SETTING_KEYS) if (el[key] !== undefined) flat[key] = el[key];
  return { ...(flat as SubtitleSettings), ...el.settings };
}

/**
 * A scene's subtitles element as it applies: every setting (and the language) of the project's
 * subtitles element that the scene's element does not set itself, field by field. The script
 * (`text`, `words`) and the audio it captions stay the scene's own.
 */
export function inheritSettings(
  scene: SubtitlesElementInput,
  project: SubtitlesElementInput | undefined,
): SubtitlesElementInput {
  const settings = { ...(project ? ownSettings(project) : {}), ...ownSettings(scene) };
  const language = scene.language ?? project?.language;
  return { ...scene, settings, ...(language !== undefined ? { language } : {}) };
}
