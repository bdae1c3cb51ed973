import { describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { checkRenderTime } from "../../functions/core/jobs/check-render-time.js";
import { encodeSecondsPerSecond, estimateRender } from "../../functions/core/jobs/estimate-render.js";
import { project } from "./plan/plan-fixtures.js";

const config = (env: Record<string, string> = {}) =>
  loadConfig({
    VIDEOCRAFT_BUCKET: "b-test",
    VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
    VIDEOCRAFT_AUTH: "gateway",
    ...env,
  });

const IMAGE = "https://example.com/a.png";
/** Three 20 s scenes; `transitions` go into the second and third. */
const withTransitions = (transitions: unknown[]) =>
  project({
    scenes: [undefined, ...transitions].map((transition) => ({
      duration: 20,
      elements: [{ type: "image", src: IMAGE }],
      ...(transition ? { transition } : {}),
    })),
  });

describe("the render estimate of a project with transitions", () => {
  it("counts each window's extra encode and start-up, and nothing for the first scene's", () => {
    const c = config();
    const plain = withTransitions([undefined, undefined]);
    const two = withTransitions([
      { type: "crossfade", duration: 1 },
      { type: "slide-left", duration: 2 },
    ]);
    const extra = estimateRender(two, 60, c).render_seconds - estimateRender(plain, 60, c).render_seconds;
    // 0.2 s per transition and 3 s of windows at the encode rate (0.4 s/s at 1080p30 veryfast).
    expect(encodeSecondsPerSecond(two, c)).toBeCloseTo(0.4, 6);
    expect(extra).toBeCloseTo(2 * 0.2 + 3 * 0.4, 1);
    const first = project({
      scenes: [{ duration: 20, elements: [{ type: "image", src: IMAGE }], transition: { type: "fade" } }],
    });
    expect(estimateRender(first, 20, c)).toEqual(
      estimateRender(
        project({ scenes: [{ duration: 20, elements: [{ type: "image", src: IMAGE }] }] }),
        20,
        c,
      ),
    );
  });

  it("counts the windows in a job rendered in one invocation", () => {
    // 0.8 × 900 s = 720 s; 1790 s of 1080p30 is 3 + 716 s: it fits, until transitions add to it.
    const c = config();
    const long = (transition?: unknown) =>
      project({
        scenes: [895, 895].map((duration, i) => ({
          duration,
          elements: [{ type: "image", src: IMAGE }],
          ...(i === 1 && transition ? { transition } : {}),
        })),
      });
    expect(checkRenderTime(long(), [895, 895], c)).toEqual([]);
    expect(checkRenderTime(long({ type: "crossfade", duration: 10 }), [895, 895], c)).toEqual([
      expect.objectContaining({ path: "scenes", code: "TIMEOUT" }),
    ]);
  });
});
