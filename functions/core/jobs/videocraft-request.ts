import type { Config } from "../config.js";
import type { IgnoredKey } from "../schema/parse-project-request.js";
import type { Project } from "../schema/project.js";
import { validateRequestBody } from "./validate-request.js";

/**
 * Keys VideoCraft's request model and validator know, by where they sit. Those our format has no
 * use for (a `title`, `settings` on an audio element) are dropped without a word, as VideoCraft
 * drops them; any other unknown key is dropped with a job warning naming it.
 */
const VIDEOCRAFT_KEYS = {
  project: ["comment", "resolution", "quality", "width", "height", "fps", "title", "scenes", "elements"],
  scene: ["id", "background_color", "elements"],
  element: ["type", "src", "id", "x", "y", "z_index", "volume", "resize", "duration", "settings", "language"],
  settings: [
    "style",
    "font_family",
    "font_size",
    "word_color",
    "line_color",
    "shadow_color",
    "shadow_offset",
    "box_color",
    "position",
    "outline_color",
    "outline_width",
  ],
} as const;

/** Where a key sits, from its path (`[0].scenes[1].elements[2].settings.foo` → settings). */
function levelOf(path: string): keyof typeof VIDEOCRAFT_KEYS | undefined {
  const at = path.replace(/^\[\d+\]\.?/, "");
  if (/(^|\.)settings\.[^.[\]]+$/.test(at)) return "settings";
  if (/(^|\.)elements\[\d+\]\.[^.[\]]+$/.test(at)) return "element";
  if (/^scenes\[\d+\]\.[^.[\]]+$/.test(at)) return "scene";
  if (/^[^.[\]]+$/.test(at)) return "project";
  return undefined;
}

const knownToVideoCraft = (ignored: IgnoredKey): boolean => {
  const level = levelOf(ignored.path);
  const key = ignored.key.replaceAll("-", "_");
  return level !== undefined && (VIDEOCRAFT_KEYS[level] as readonly string[]).includes(key);
};

export interface VideoCraftRequest {
  /** The one project the job renders. */
  project: Project;
  /** What the job's status tells the client about what was dropped. */
  warnings: string[];
}

/**
 * A request body as VideoCraft's `POST /api/v1/videos` takes it: one project, or an array of
 * projects that makes ONE job rendering the first project (VideoCraft validates every project of
 * the array but renders `config[0]` only). Every project is validated; the ones left out and the
 * unknown keys dropped are named in warnings, so nothing disappears without a trace.
 */
export function parseVideoCraftRequest(body: unknown, config: Config): VideoCraftRequest {
  const { projects, batch, ignoredKeys } = validateRequestBody(body, config, { unknownKeys: "strip" });
  const [project] = projects;
  if (!project) throw new Error("a validated request has at least one project");
  const warnings = ignoredKeys
    .filter((k) => !knownToVideoCraft(k))
    .map((k) => `ignored unknown key '${k.path}' (the VideoCraft routes drop keys they do not know)`);
  if (batch && projects.length > 1) {
    warnings.push(
      `the request held ${projects.length} projects; as in VideoCraft, this job renders the first one ` +
        `only ([1]…[${projects.length - 1}] were validated, not rendered; POST /v1/videos makes a job per project)`,
    );
  }
  return { project, warnings };
}
