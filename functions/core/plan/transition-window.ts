import type { Project } from "../schema/project.js";
import type { Transition } from "../schema/transition-schema.js";
import type { Timeline } from "./scene-timeline.js";

/**
 * Where a transition sits. A scene's `transition` is the one INTO it from the previous scene. The
 * cut stays where it is: a transition never overlaps scenes or shortens the video. Its window is
 * centred on the cut T, [T − d/2, T + d/2): the outgoing scene's last `halfFrames` frames and the
 * incoming scene's first `halfFrames`. Narration, music and captions keep their times, so sync is
 * exact whatever the transition and the total length is unchanged, which suits narrated videos
 * whose scenes are as long as their speech (overlapping them would overlap the speech).
 *
 * `halfFrames` is d·fps/2 rounded to the nearest whole frame (at least one), so the window is
 * 2·halfFrames frames: a 0.5 s transition at 30 fps is 16 frames (0.533 s), one of 0.4 s is 12.
 */
export interface TransitionWindow extends Transition {
  /** The incoming scene (the one that carries the transition). */
  scene: number;
  halfFrames: number;
}

export interface TransitionWindows {
  /** By incoming scene index; undefined where a scene has none. */
  into: (TransitionWindow | undefined)[];
  warnings: string[];
}

export function transitionWindows(project: Project, timeline: Timeline): TransitionWindows {
  const warnings: string[] = [];
  const into = timeline.scenes.map((timing): TransitionWindow | undefined => {
    const transition = project.scenes[timing.index]?.transition;
    if (!transition) return undefined;
    const at = `scenes[${timing.index}].transition`;
    const previous = timeline.scenes[timing.index - 1];
    if (!previous) {
      warnings.push(`${at}: the first scene has no scene before it to come from; the transition was ignored`);
      return undefined;
    }
    // The request check covers scenes with a given duration; one timed by its audio is only
    // known now, and shortening the transition beats failing a job over a cosmetic detail.
    const longest = Math.min(previous.duration, timing.duration) / 2;
    let duration = transition.duration;
    if (duration > longest) {
      warnings.push(
        `${at}.duration: ${duration} s is longer than half of a neighbouring scene; shortened to ${longest} s`,
      );
      duration = longest;
    }
    const halfFrames = Math.max(1, Math.round((duration * timeline.fps) / 2));
    if (2 * halfFrames > Math.min(previous.frames, timing.frames)) {
      warnings.push(`${at}: a neighbouring scene is too short for a transition; it was left out`);
      return undefined;
    }
    return { ...transition, duration, scene: timing.index, halfFrames };
  });
  return { into, warnings };
}
