import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { JobFailure } from "../../functions/core/errors.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { parseProjectRequest } from "../../functions/core/schema/parse-project-request.js";
import type { Project } from "../../functions/core/schema/project.js";
import { fetchSources } from "../../functions/render/pipeline/fetch-sources.js";
import { probeSources } from "../../functions/render/pipeline/probe-media.js";
import { sourceHeadProber } from "../../functions/render/pipeline/probe-source-head.js";
import { generateTone } from "../../local/generate-media.js";
import { makeFifo, releaseFifos } from "../support/hostile-sources.js";
import { until } from "../support/until.js";

/**
 * A FIFO (or any file that is not a regular file) under the allowed directory must be refused
 * before it is opened: opening one for reading blocks until a writer comes, and each blocked open
 * holds one of Node's four file-system threads, freezing every file operation of the process.
 * A probe that hangs must end when the job is cancelled.
 */
let root: string;
let dir: string;
const FIFOS = ["a.wav", "b.wav", "c.wav", "d.wav", "e.wav"];
const config = () =>
  loadConfig({
    VIDEOCRAFT_BUCKET: "vc-bucket",
    VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/queue",
    VIDEOCRAFT_API_KEY: "test-key-0123456789",
    VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
    VIDEOCRAFT_WORK_DIR: join(root, "work"),
  });
const src = (name: string) => pathToFileURL(join(dir, name)).href;
const projectWith = (...names: string[]): Project => {
  const r = parseProjectRequest(
    { scenes: [{ duration: 1, elements: names.map((n) => ({ type: "audio", src: src(n) })) }] },
    { maxProjects: 1 },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.projects[0]!;
};

/** Settles with `fallback` when `p` takes longer than `ms` (the failure this file guards against). */
const within = <T>(p: Promise<T>, ms: number, fallback: T) =>
  Promise.race([p, new Promise<T>((r) => setTimeout(() => r(fallback), ms).unref())]);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "special-files-"));
  dir = join(root, "allowed");
  await mkdir(dir);
  await mkdir(join(dir, "folder.wav"));
  await Promise.all([
    ...FIFOS.map((n) => makeFifo(join(dir, n))),
    generateTone(join(dir, "tone.wav"), { seconds: 1 }),
  ]);
  await writeFile(
    join(root, "hanging-ffprobe"),
    `#!/bin/sh\necho $$ > '${join(root, "ffprobe.pid")}'\nexec sleep 600\n`,
  );
  await chmod(join(root, "hanging-ffprobe"), 0o755);
});

afterAll(async () => {
  // Only matters when the code under test still opens FIFOs: lets the blocked threads go.
  await releaseFifos(dir, FIFOS);
  await rm(root, { recursive: true, force: true });
});

describe("special files as sources", () => {
  it("fails a FIFO source at once instead of waiting for a writer", async () => {
    const work = await mkdtemp(join(root, "w-"));
    const outcome = await within(
      fetchSources(projectWith("a.wav"), {
        store: new InMemoryObjectStore(),
        config: config(),
        workDir: work,
      }).then(
        () => "fetched",
        (e: unknown) => (e instanceof JobFailure ? `${e.code}: ${e.message}` : `threw ${String(e)}`),
      ),
      10_000,
      "still waiting after 10 s",
    );
    expect(outcome).toMatch(/^SOURCE_UNREACHABLE: .*a\.wav is not a regular file/);
  });

  it("fails a directory the same way", async () => {
    const work = await mkdtemp(join(root, "w-"));
    await expect(
      fetchSources(projectWith("folder.wav"), {
        store: new InMemoryObjectStore(),
        config: config(),
        workDir: work,
      }),
    ).rejects.toMatchObject({ code: "SOURCE_UNREACHABLE" });
  });

  it("answers a dry run over four FIFOs, and other file work goes on meanwhile", async () => {
    const probing = sourceHeadProber({
      config: config(),
      store: new InMemoryObjectStore(),
    })(["b.wav", "c.wav", "d.wav", "e.wav"].map(src));
    const read = within(
      readFile(join(dir, "tone.wav")).then(() => "read"),
      10_000,
      "file reads frozen",
    );
    const results = await within(probing, 10_000, undefined);
    expect(await read).toBe("read");
    expect(results && [...results.values()].map((r) => `${r.status} ${r.failure?.code}`)).toEqual(
      Array(4).fill("failed SOURCE_UNREACHABLE"),
    );
  });
});

describe("probing", () => {
  it("stops a hanging ffprobe when the job is cancelled", async () => {
    const cancel = new AbortController();
    const probing = probeSources(new Map([[src("tone.wav"), join(dir, "tone.wav")]]), {
      ffprobePath: join(root, "hanging-ffprobe"),
      signal: cancel.signal,
    });
    // Cancel once the hanging ffprobe is really running (it writes its pid first).
    await until(() => readFile(join(root, "ffprobe.pid"), "utf8").then(Boolean, () => false), {
      what: "the hanging ffprobe to start",
    });
    cancel.abort();
    const outcome = await within(
      probing.then(
        () => "probed",
        () => "stopped",
      ),
      10_000,
      "still probing 10 s later",
    );
    expect(outcome).toBe("stopped");
    const pid = Number(await readFile(join(root, "ffprobe.pid"), "utf8"));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Killed, not left running (a zombie is reaped by the time the probe has settled).
    expect(alive(), "the ffprobe child must be killed").toBe(false);
  });
});
