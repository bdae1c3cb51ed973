import { formatPath } from "./format-path.js";
import { setOwnKey } from "./set-own-key.js";

/**
 * VideoCraft clients write `z-index`, `font-size`, `background-color`; others write `z_index`.
 * Both are accepted: every hyphen in an object key becomes an underscore before validation.
 * `renamed` maps each normalised JSON path back to the key the client wrote, so an error
 * about an unknown key names the key exactly as it was sent.
 */
export interface NormalisedKeys {
  value: unknown;
  /** normalised path (`scenes[0].elements[1].z_index`) → the client's key (`z-index`) */
  renamed: Map<string, string>;
  /** Paths where the same key was sent twice in two spellings (`z-index` and `z_index`). */
  conflicts: string[];
}

export function normaliseKeys(input: unknown): NormalisedKeys {
  const renamed = new Map<string, string>();
  const conflicts: string[] = [];
  // The path is kept as a stack and written out only for the rare key that needs recording: a
  // body of 20,000 elements would otherwise build a path string for every one of its keys.
  const path: (string | number)[] = [];
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        path.push(i);
        const out = walk(item);
        path.pop();
        return out;
      });
    }
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const normal = key.includes("-") ? key.replaceAll("-", "_") : key;
      if (Object.hasOwn(out, normal)) conflicts.push(formatPath([...path, normal]));
      if (normal !== key) renamed.set(formatPath([...path, normal]), key);
      path.push(normal);
      const walked = walk(child);
      path.pop();
      setOwnKey(out, normal, walked);
    }
    return out;
  };
  return { value: walk(input), renamed, conflicts };
}
