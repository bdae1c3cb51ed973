import { readFile } from "node:fs/promises";
import { type Config, ConfigError, loadConfig } from "../functions/core/config.js";
import { type IssueDetail, isJobFailure } from "../functions/core/errors.js";
import { validateRequestBody } from "../functions/core/jobs/validate-request.js";
import { capIssues } from "../functions/core/schema/parse-project-request.js";
import type { Project } from "../functions/core/schema/project.js";
import { checkSourceUrl, policyFromConfig, sourceUses } from "../functions/core/schema/source-policy.js";
import { openLocalSource } from "../functions/render/pipeline/local-source.js";
import { CliExit, EXIT } from "./cli-exit.js";
import { expandRequestFile } from "./find-placeholders.js";
import { LOCAL_BUCKET, LOCAL_QUEUE } from "./local-resource-names.js";

/** What `serve` and `render` start the local service with: `file://` sources default to the cwd. */
export function localModeEnv(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): Record<string, string | undefined> {
  return { VIDEOCRAFT_LOCAL_ALLOWED_DIR: cwd, ...env };
}

/** A request file read and decoded; exit 2 naming the file when it cannot be read or parsed. */
export async function readRequestFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? String(e));
    throw new CliExit(EXIT.INVALID, `cannot read ${file}: ${why}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliExit(EXIT.INVALID, `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export interface CheckedRequest {
  /** The decoded file, as it is submitted. */
  body: unknown;
  /** One per job the request makes, in order. */
  projects: Project[];
}

/**
 * Everything a local render can know is wrong before anything starts: the file reads and parses,
 * every `{{…}}` placeholder has a value (from the file's `variables`, or each `data` row, as the
 * API fills them), the API's own validator accepts each filled project under the same configuration
 * the local service will run with, and every `file://` source exists, is a readable file under the
 * allowed directory and is within the size limit (the render worker's own check). `validate` and
 * `render` both call this, so they refuse the same requests. Throws exit 2 listing every problem.
 */
export async function checkRequestFile(
  file: string,
  env: Record<string, string | undefined>,
): Promise<CheckedRequest> {
  const body = await readRequestFile(file);
  const config = configForChecks(env);
  const filled = expandRequestFile(body, config.maxProjectsPerRequest);
  if (!filled.ok) throw invalidRequest(file, filled.issues);
  const { expanded } = filled;
  const bodies =
    expanded.kind === "single"
      ? [{ label: "", body: expanded.body }]
      : expanded.rows.map((r) => ({ label: `data[${r.row}]: `, body: r.body }));
  const issues: IssueDetail[] = [];
  const projects: Project[] = [];
  for (const { label, body: one } of bodies) {
    try {
      projects.push(...validateRequestBody(one, config).projects);
    } catch (e) {
      // The validator's refusal is the error that lists the problems; anything else is a bug.
      const details = (e as { details?: IssueDetail[] } | null)?.details;
      if (!Array.isArray(details)) throw e;
      issues.push(...details.map((d) => ({ path: d.path, message: label + d.message })));
    }
  }
  if (issues.length === 0) {
    const batch = expanded.kind === "rows" || Array.isArray(expanded.body);
    issues.push(...(await checkLocalSources(projects, batch, config)));
  }
  if (issues.length > 0) throw invalidRequest(file, issues);
  return { body, projects };
}

/** Exit 2 for a request file's problems, one `path: message` line each. */
export function invalidRequest(file: string, issues: IssueDetail[]): CliExit {
  const n = issues.length;
  return new CliExit(
    EXIT.INVALID,
    `${file}: ${n} problem${n === 1 ? "" : "s"}`,
    capIssues(issues).map((i) => `  ${i.path || "(body)"}: ${i.message}`),
  );
}

/**
 * The configuration the local service will load (the embedded stack only adds its endpoint,
 * bucket and queue names, fixed here), so limits and the source policy are the service's own.
 */
function configForChecks(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig({
      ...env,
      VIDEOCRAFT_BUCKET: LOCAL_BUCKET,
      VIDEOCRAFT_QUEUE_URL: `http://127.0.0.1/${LOCAL_QUEUE}`,
      VIDEOCRAFT_AUTH: "gateway",
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new CliExit(EXIT.INVALID, e.message);
    throw e;
  }
}

/** Every `src` of the projects with its JSON path (`[i].` prefixed for an array body). */
function sourcesOf(projects: Project[], batch: boolean): { path: string; src: string }[] {
  return projects.flatMap((project, p) =>
    sourceUses(project).map(({ path, src }) => ({ path: batch ? `[${p}].${path}` : path, src })),
  );
}

async function checkLocalSources(
  projects: Project[],
  batch: boolean,
  config: Config,
): Promise<IssueDetail[]> {
  const policy = policyFromConfig(config);
  const issues = await Promise.all(
    sourcesOf(projects, batch).map(async ({ path, src }): Promise<IssueDetail | undefined> => {
      const check = checkSourceUrl(src, policy);
      if (check.ok && check.kind === "s3") {
        // A one-shot render starts on an empty bucket: no upload can be there.
        return { path, message: "s3:// uploads do not exist in a local render; use a file:// path" };
      }
      if (!check.ok || check.kind !== "file") return undefined;
      try {
        const { handle } = await openLocalSource(check.path, src, config);
        await handle.close();
        return undefined;
      } catch (e) {
        if (isJobFailure(e)) return { path, message: e.message };
        throw e;
      }
    }),
  );
  return issues.filter((i) => i !== undefined);
}
