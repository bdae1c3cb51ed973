import type { Project } from "../schema/project.js";
import { buildTextDocument, type TextItem } from "../text/build-text-document.js";
import type { SceneTiming } from "./scene-timeline.js";

/**
 * A scene's text elements, and the project's own (whole-video) text elements where they overlap
 * the scene, as one ASS file burned into the scene's segment: above every picture of the scene,
 * below its captions. Undefined when the scene shows no text.
 */
export function sceneTextFile(
  project: Project,
  timing: SceneTiming,
  totalDuration: number,
  path: string,
): { file: { path: string; content: string }; warnings: string[] } | undefined {
  const items: TextItem[] = [];
  project.elements.forEach((el, order) => {
    if (el.type !== "text") return;
    const start = (el.start ?? 0) - timing.start;
    const end = (el.duration !== undefined ? (el.start ?? 0) + el.duration : totalDuration) - timing.start;
    if (end <= 0 || start >= timing.duration) return;
    // Project-level text draws over the scene's own text unless z-indexes say otherwise.
    items.push({
      element: el,
      at: `elements[${order}]`,
      start,
      end,
      zIndex: el.z_index,
      order: 1000 + order,
    });
  });
  project.scenes[timing.index]?.elements.forEach((el, order) => {
    if (el.type !== "text") return;
    const start = el.start ?? 0;
    const end = el.duration !== undefined ? start + el.duration : timing.duration;
    if (start >= timing.duration) return;
    items.push({
      element: el,
      at: `scenes[${timing.index}].elements[${order}]`,
      start,
      end,
      zIndex: el.z_index,
      order,
    });
  });
  if (items.length === 0) return undefined;
  const doc = buildTextDocument({
    width: project.width,
    height: project.height,
    items,
    sceneDuration: timing.duration,
    projectStyle: project.text_style,
  });
  return { file: { path, content: doc.content }, warnings: doc.warnings };
}
