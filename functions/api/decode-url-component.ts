/**
 * A path segment or query part with its %-escapes decoded; a malformed escape (`%E0%A4%A`) leaves
 * the text as it came, so it is compared or looked up as sent instead of failing the request.
 */
export function decodeUrlComponentOrKeep(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}
