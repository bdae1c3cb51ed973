/** Quiet, non-interactive, overwrite: the worker reads progress from `-progress`, errors from stderr. */
export const BASE_ARGS: readonly string[] = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];
