import { parseProjectRequest } from "../../functions/core/schema/parse-project-request.js";
import type { Project } from "../../functions/core/schema/project.js";

/** A test's request body through the real parser; a body the parser rejects is a bug in the test. */
export function parseOneProject(body: unknown): Project {
  const parsed = parseProjectRequest(body, { maxProjects: 1 });
  if (!parsed.ok) throw new Error(`invalid test request: ${JSON.stringify(parsed.issues)}`);
  return parsed.projects[0]!;
}
