import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { parseProjectRequest } from "../../functions/core/schema/parse-project-request.js";
import type { Project } from "../../functions/core/schema/project.js";
import { fetchSources } from "../../functions/render/pipeline/fetch-sources.js";
import { probeSources } from "../../functions/render/pipeline/probe-media.js";
import { generateTone } from "../../local/generate-media.js";
import { jobFailureOf } from "../support/job-failure.js";

/**
 * A job's sources on the worker's disk: one local file named many ways is one copy and one probe,
 * and all of a job's sources together stay under VIDEOCRAFT_MAX_JOB_SOURCE_BYTES, whether they
 * are local files, uploads or downloads.
 */
let root: string;
let dir: string;
const src = (name: string, query = "") => `${pathToFileURL(join(dir, name)).href}${query}`;
const configFor = (extra: Record<string, string> = {}) =>
  loadConfig({
    VIDEOCRAFT_BUCKET: "vc-bucket",
    VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/queue",
    VIDEOCRAFT_API_KEY: "test-key-0123456789",
    VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
    ...extra,
  });
const projectWith = (srcs: string[]): Project => {
  const r = parseProjectRequest(
    {
      scenes: Array.from({ length: Math.ceil(srcs.length / 100) }, (_, s) => ({
        duration: 1,
        elements: srcs.slice(s * 100, s * 100 + 100).map((x) => ({ type: "audio", src: x })),
      })),
    },
    { maxProjects: 1 },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.projects[0]!;
};
const du = async (path: string) => {
  let total = 0;
  for (const name of await readdir(path)) total += (await stat(join(path, name))).size;
  return total;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "disk-bombs-"));
  dir = join(root, "allowed");
  await mkdir(dir);
  await Promise.all(["a", "b", "c"].map((n) => writeFile(join(dir, `${n}.bin`), Buffer.alloc(40 * 1024, n))));
  // Sparse: 50 MB to every reader, almost nothing on disk.
  await writeFile(join(dir, "sparse.wav"), "");
  await truncate(join(dir, "sparse.wav"), 50 * 1024 * 1024);
  await generateTone(join(dir, "tone.wav"), { seconds: 1 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("one local file named many ways", () => {
  it("is copied once: four query-string variants of a 50 MB file write 50 MB, not 200", async () => {
    const work = await mkdtemp(join(root, "w-"));
    const srcs = [1, 2, 3, 4].map((n) => src("sparse.wav", `?n=${n}`));
    const paths = await fetchSources(projectWith(srcs), {
      store: new InMemoryObjectStore(),
      config: configFor(),
      workDir: work,
    });
    expect(new Set(srcs.map((s) => paths.get(s))).size).toBe(1);
    expect(await readdir(work)).toHaveLength(1);
    expect(await du(work)).toBe(50 * 1024 * 1024);
  });

  it("is probed once: a thousand ?n variants make one ffprobe run", async () => {
    const work = await mkdtemp(join(root, "w-"));
    const count = join(root, "probes.log");
    const wrapper = join(root, "counting-ffprobe");
    await writeFile(wrapper, `#!/bin/sh\necho run >> '${count}'\nexec ffprobe "$@"\n`);
    await chmod(wrapper, 0o755);
    const srcs = Array.from({ length: 1000 }, (_, n) => src("tone.wav", `?n=${n}`));
    const paths = await fetchSources(projectWith(srcs), {
      store: new InMemoryObjectStore(),
      config: configFor(),
      workDir: work,
    });
    expect(await readdir(work)).toHaveLength(1);
    const infos = await probeSources(paths, { ffprobePath: wrapper });
    expect(infos.size).toBe(1000);
    expect(infos.get(srcs[999]!)?.hasAudio).toBe(true);
    expect((await readFile(count, "utf8")).trim().split("\n")).toHaveLength(1);
  });
});

describe("VIDEOCRAFT_MAX_JOB_SOURCE_BYTES", () => {
  const config = () =>
    configFor({ VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: "100KB", VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true" });

  it("fails local files that pass it together, naming a source's path", async () => {
    const work = await mkdtemp(join(root, "w-"));
    const e = await jobFailureOf(
      fetchSources(projectWith(["a", "b", "c"].map((n) => src(`${n}.bin`))), {
        store: new InMemoryObjectStore(),
        config: config(),
        workDir: work,
      }),
    );
    expect(e.code).toBe("SOURCE_TOO_LARGE");
    expect(e.message).toMatch(
      /^scenes\[0\]\.elements\[\d\]\.src \(file:\/\/.*\.bin\): .*102400-byte limit per job \(VIDEOCRAFT_MAX_JOB_SOURCE_BYTES\)/,
    );
  });

  it("counts uploads and downloads too", async () => {
    const store = new InMemoryObjectStore();
    await store.uploadFile("uploads/a.bin", join(dir, "a.bin"), "application/octet-stream");
    await store.uploadFile("uploads/b.bin", join(dir, "b.bin"), "application/octet-stream");
    const body = Buffer.alloc(40 * 1024, 7);
    const server = createServer((_req, res) => res.writeHead(200).end(body));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/c.bin`;
      const e = await jobFailureOf(
        fetchSources(projectWith(["s3://vc-bucket/uploads/a.bin", "s3://vc-bucket/uploads/b.bin", url]), {
          store,
          config: config(),
          workDir: await mkdtemp(join(root, "w-")),
        }),
      );
      expect(e.code).toBe("SOURCE_TOO_LARGE");
      expect(e.message).toMatch(/per job/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("lets sources through that fit together", async () => {
    const work = await mkdtemp(join(root, "w-"));
    const paths = await fetchSources(projectWith(["a", "b"].map((n) => src(`${n}.bin`))), {
      store: new InMemoryObjectStore(),
      config: config(),
      workDir: work,
    });
    expect(paths.size).toBe(2);
  });
});
