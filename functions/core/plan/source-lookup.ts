import type { SourceInfo, SourceMap } from "./render-plan.js";

/**
 * The worker fetches and probes every `src` before planning, so a missing entry is a bug in the
 * caller, not a user error: fail loudly with the element's JSON path.
 */
export function sourceFor(sources: SourceMap, src: string, at: string): SourceInfo {
  const info = sources.get(src);
  if (!info) throw new Error(`${at}: no probed source for ${JSON.stringify(src)}`);
  return info;
}
