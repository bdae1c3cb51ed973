import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateImage } from "../../local/generate-media.js";
import { ffprobe } from "../support/media-probe.js";
import { machinePath, repoRoot, runCli, runCliOnTerminal, runProgram } from "../support/run-cli.js";

/**
 * `videocraft render`, `serve` and the bin script as a new user meets them: child processes, the
 * real embedded stack for renders, tiny draft projects so each render takes about a second.
 */
let dir: string;
let env: Record<string, string>;

const project = (width: number, height: number) => ({
  width,
  height,
  fps: 10,
  quality: "draft",
  scenes: [{ duration: 0.2, elements: [{ type: "image", src: `file://${join(dir, "dot.png")}` }] }],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-cli-render-"));
  env = { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir, VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" };
  await generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: "#0000ff" });
  await writeFile(join(dir, "one.json"), JSON.stringify(project(64, 64)));
  await writeFile(join(dir, "two.json"), JSON.stringify([project(64, 64), project(32, 48)]));
  await writeFile(join(dir, "a-file"), "not a directory");
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function videoSize(path: string) {
  const video = (await ffprobe(path)).streams.find((s) => s.codec_type === "video");
  return { width: video?.width, height: video?.height };
}

describe("videocraft render", () => {
  it("renders every project of an array body, one MP4 each, named by index", async () => {
    const r = await runCli(["render", join(dir, "two.json"), "-o", join(dir, "multi", "out.mp4")], { env });
    expect(r.stderr).not.toMatch(/undefined/);
    expect(r.code).toBe(0);
    expect(await videoSize(join(dir, "multi", "out-1.mp4"))).toEqual({ width: 64, height: 64 });
    expect(await videoSize(join(dir, "multi", "out-2.mp4"))).toEqual({ width: 32, height: 48 });
    expect(await exists(join(dir, "multi", "out.mp4"))).toBe(false);
    expect(r.stderr).toMatch(/wrote .*out-1\.mp4/);
    expect(r.stderr).toMatch(/wrote .*out-2\.mp4/);
  }, 120_000);

  it("creates a missing output directory and, off a terminal, prints a line per step from submission on", async () => {
    const out = join(dir, "some", "new", "dir", "out.mp4");
    const r = await runCli(["render", join(dir, "one.json"), "-o", out], { env });
    expect(r.code).toBe(0);
    expect(await videoSize(out)).toEqual({ width: 64, height: 64 });

    const lines = r.stderr.trim().split("\n");
    // Something is said before the embedded stack boots, then a line as soon as the job exists.
    expect(lines[0]).toMatch(/starting/i);
    const progress = lines.filter((l) => /^out\.mp4 /.test(l));
    for (const l of progress) expect(l).toMatch(/^out\.mp4 (queued|processing [a-z]+|completed) \d+%$/);
    expect(progress.at(-1)).toBe("out.mp4 completed 100%");
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(/^out\.mp4 (queued|processing)/);
    // One line per step: a step seen twice in a row is not repeated.
    const steps = progress.map((l) => l.replace(/ \d+%$/, ""));
    expect(new Set(steps).size).toBe(steps.length);
  }, 120_000);

  it("draws a progress bar that names the step on a terminal", async () => {
    const out = join(dir, "tty", "out.mp4");
    const r = await runCliOnTerminal(["render", join(dir, "one.json"), "-o", out], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /out\.mp4 \[[█░]+\] \d+% \| (queued|fetching|probing|planning|rendering|mixing)/,
    );
    expect(r.stdout).toMatch(/out\.mp4 \[█+\] 100% \| completed/);
    expect(await videoSize(out)).toEqual({ width: 64, height: 64 });
  }, 120_000);

  it("refuses a request with a leftover placeholder or a missing file before starting the stack, as validate does", async () => {
    const bad = [
      {
        ...project(64, 64),
        scenes: [{ duration: 0.2, elements: [{ type: "image", src: "file://{{MEDIA}}/dot.png" }] }],
      },
      {
        ...project(64, 64),
        scenes: [{ duration: 0.2, elements: [{ type: "image", src: `file://${join(dir, "gone.png")}` }] }],
      },
    ];
    await writeFile(join(dir, "bad.json"), JSON.stringify(bad));
    const out = join(dir, "bad-out", "out.mp4");
    const [validated, rendered] = await Promise.all([
      runCli(["validate", join(dir, "bad.json")], { env }),
      runCli(["render", join(dir, "bad.json"), "-o", out], { env }),
    ]);
    for (const r of [validated, rendered]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /\[0\]\.scenes\[0\]\.elements\[0\]\.src: unresolved placeholder \{\{MEDIA\}\}/,
      );
    }
    expect(rendered.stderr).toBe(validated.stderr);
    expect(rendered.stderr).not.toMatch(/starting/i);
    expect(await exists(join(dir, "bad-out"))).toBe(false);

    await writeFile(join(dir, "bad.json"), JSON.stringify(bad.slice(1)));
    const missing = await runCli(["render", join(dir, "bad.json"), "-o", out], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/\[0\]\.scenes\[0\]\.elements\[0\]\.src: .*gone\.png does not exist/);
  }, 60_000);

  it("refuses before rendering when the output directory cannot be created", async () => {
    const r = await runCli(["render", join(dir, "one.json"), "-o", join(dir, "a-file", "sub", "out.mp4")], {
      env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create the output directory .*a-file/);
    expect(r.stderr).not.toMatch(/starting/i);
  }, 60_000);

  it("refuses an output that is an existing directory", async () => {
    const r = await runCli(["render", join(dir, "one.json"), "-o", dir], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a directory/);
  }, 60_000);

  it("exits 2 without -o, as for any usage error", async () => {
    const r = await runCli(["render", join(dir, "one.json")], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o, --output/);
    const unknown = await runCli(["render", join(dir, "one.json"), "-o", "x.mp4", "--frobnicate"], { env });
    expect(unknown.code).toBe(2);
  }, 60_000);
});

describe("videocraft serve", () => {
  let taken: Server;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  });
  afterAll(() => new Promise((r) => taken.close(r)));

  it("names --port when the port is in use (exit 2)", async () => {
    const address = taken.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const r = await runCli(["serve", "--port", String(port), "--ephemeral"], { env, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`port ${port} .*in use.*--port`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe("the videocraft bin script", () => {
  const version = async () => JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")).version;

  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(await version());
  });

  /** The first `name` on the machine's own PATH (outside node_modules), e.g. Debian's /usr/bin/npx. */
  async function onMachinePath(name: string): Promise<string> {
    for (const d of machinePath().split(delimiter)) {
      if (await exists(join(d, name))) return join(d, name);
    }
    throw new Error(`no ${name} on the machine's PATH (needed to run npm ci at all)`);
  }

  it("runs through the machine's npx and node without an engine warning, on the pinned Node", async () => {
    const path = machinePath();
    // npx links the project into its cache on first use and checks engines then: a fresh cache
    // makes every run a first one. Offline: it needs nothing from the registry.
    const npx = await runProgram(await onMachinePath("npx"), ["videocraft", "--version"], {
      env: { PATH: path, npm_config_cache: join(dir, "npm-cache"), npm_config_offline: "true" },
      timeoutMs: 120_000,
    });
    expect(npx.stderr).not.toMatch(/EBADENGINE|Unsupported engine/);
    expect(npx.code).toBe(0);
    expect(npx.stdout.trim()).toBe(await version());

    // The bin script started by whatever Node the machine has still runs the CLI on Node 24.
    const direct = await runProgram(
      await onMachinePath("node"),
      [join(repoRoot, "local/bin/videocraft.mjs"), "validate", join(dir, "one.json")],
      { env: { PATH: path, ...env } },
    );
    expect(direct.stderr).toBe("");
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/valid: 1 project/);
  }, 180_000);
});
