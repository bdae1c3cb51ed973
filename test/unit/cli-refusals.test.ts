import { access, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliExit, type Output, renderCommand, validateCommand } from "../../local/cli-commands.js";
import type { LocalService } from "../../local/local-service.js";

/**
 * `validate` promises to refuse exactly what `render` refuses, and `render` to refuse it before it
 * starts the embedded stack or creates the output folder. Both commands run here on the same bad
 * files; `render` gets a stack starter that records being called.
 */
let dir: string;
let outside: string;
let env: Record<string, string>;

const quiet: Output = { out: () => {}, err: () => {}, isTTY: false };

const image = (src: string, extra: Record<string, unknown> = {}) => ({ type: "image", src, ...extra });
const project = (...elements: unknown[]) => ({
  width: 64,
  height: 64,
  scenes: [{ duration: 0.5, elements }],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-cli-refusals-"));
  outside = await mkdtemp(join(tmpdir(), "vc-cli-outside-"));
  env = { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir };
  await writeFile(join(dir, "dot.png"), "bytes: existence is checked here, media is probed by the worker");
  await writeFile(join(outside, "secret.png"), "outside the allowed directory");
  await symlink(join(outside, "secret.png"), join(dir, "link.png"));
  await mkdir(join(dir, "a-folder.json"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const ok = () => `file://${join(dir, "dot.png")}`;

/**
 * name, the file's content (made once the temp folders exist; undefined: no file is written), the
 * problem expected, extra env.
 */
const badInputs: [string, () => unknown, RegExp, Record<string, string>?][] = [
  ["missing file", () => undefined, /cannot read .*missing-file\.json: no such file/],
  ["not JSON", () => "{ scenes: ", /not valid JSON/],
  ["schema", () => project(image(ok(), { x: "left" })), /scenes\[0\]\.elements\[0\]\.x: /],
  [
    "missing source",
    () => project(image(`file://${join(dir, "nope.png")}`)),
    /elements\[0\]\.src: .*does not exist/,
  ],
  [
    "source outside the allowed dir",
    () => project(image(`file://${join(outside, "secret.png")}`)),
    /elements\[0\]\.src: .*outside the allowed directory/,
  ],
  [
    "symlink leading outside",
    () => project(image(`file://${join(dir, "link.png")}`)),
    /elements\[0\]\.src: .*leads outside the allowed directory/,
  ],
  [
    "placeholder in a src",
    () => project(image("file://{{MEDIA}}/dot.png")),
    /scenes\[0\]\.elements\[0\]\.src: unresolved placeholder \{\{MEDIA\}\}/,
  ],
  [
    "placeholder in caption text of the second project",
    () => [project(image(ok())), project(image(ok()), { type: "subtitles", text: "Hello {{ name }}!" })],
    /\[1\]\.scenes\[0\]\.elements\[1\]\.text: unresolved placeholder \{\{ name \}\}/,
  ],
  [
    "plain http source",
    () => project(image("http://example.com/a.png")),
    /plain http sources are not allowed/,
  ],
  [
    "s3 upload (empty bucket in a one-shot render)",
    () => project(image("s3://videocraft-local/uploads/a.png")),
    /s3:\/\/ uploads do not exist in a local render/,
  ],
  ["too many projects", () => Array.from({ length: 21 }, () => project(image(ok()))), /at most 20 projects/],
  [
    "invalid configuration",
    () => project(image(ok())),
    /VIDEOCRAFT_MAX_SCENES/,
    { VIDEOCRAFT_MAX_SCENES: "many" },
  ],
  ["a folder instead of a file", () => "folder", /it is a directory/],
];

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function refusal(work: Promise<number>): Promise<CliExit> {
  const outcome = await work.then(
    (code) => new Error(`accepted with exit ${code}`),
    (e: unknown) => e,
  );
  if (!(outcome instanceof CliExit)) throw outcome;
  return outcome;
}

describe("validate and render refuse the same bad inputs, render before starting anything", () => {
  it.each(badInputs)("%s", async (name, makeContent, problem, extraEnv = {}) => {
    const content = makeContent();
    const slug = name.replaceAll(/[^a-z0-9]+/g, "-");
    const file = content === "folder" ? join(dir, "a-folder.json") : join(dir, `${slug}.json`);
    if (content !== undefined && content !== "folder") {
      await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
    }
    const runEnv = { ...env, ...extraEnv };
    const output = join(dir, `out-${slug}`, "video.mp4");
    let started = 0;
    const startService = async (): Promise<LocalService> => {
      started++;
      throw new Error("render started the stack for a request it should have refused");
    };

    const validated = await refusal(validateCommand(file, quiet, runEnv));
    const rendered = await refusal(renderCommand(file, { output }, quiet, { env: runEnv, startService }));

    expect(validated.exitCode).toBe(2);
    expect([validated.message, ...validated.details].join("\n")).toMatch(problem);
    expect({ message: rendered.message, details: rendered.details, code: rendered.exitCode }).toEqual({
      message: validated.message,
      details: validated.details,
      code: validated.exitCode,
    });
    expect(started).toBe(0);
    expect(await exists(join(dir, `out-${slug}`))).toBe(false);
  });

  it("a good file passes validate and reaches the stack in render (the refusals above are real)", async () => {
    const file = join(dir, "good.json");
    await writeFile(file, JSON.stringify([project(image(ok())), project(image(ok()))]));
    const lines: string[] = [];
    const output: Output = { out: (l) => lines.push(l), err: () => {}, isTTY: false };
    expect(await validateCommand(file, output, env)).toBe(0);
    expect(lines).toEqual(["valid: 2 project(s), 2 scene(s)"]);

    let started = 0;
    const failure = await renderCommand(file, { output: join(dir, "good", "v.mp4") }, quiet, {
      env,
      startService: async () => {
        started++;
        throw new Error("stack stand-in");
      },
    }).catch((e: Error) => e.message);
    expect(failure).toBe("stack stand-in");
    expect(started).toBe(1);
    // The output folder is made before the stack starts.
    expect(await exists(join(dir, "good"))).toBe(true);
  });
});
