import path from "node:path";

/** The repository root: the API bundle's project root and the render image's build context. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "..");
