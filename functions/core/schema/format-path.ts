/** `["scenes", 0, "elements", 2, "src"]` → `scenes[0].elements[2].src` (the form every error detail uses). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
