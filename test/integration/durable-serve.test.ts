import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PurgeQueueCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../functions/adapters/aws-clients.js";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { generateVideo } from "../../local/generate-media.js";
import { startLocalService } from "../../local/local-service.js";
import { descendants, isRunning } from "../support/child-processes.js";
import { ffprobe } from "../support/media-probe.js";
import { cliBin, runCli } from "../support/run-cli.js";
import { until } from "../support/until.js";

/**
 * `videocraft serve` with a data directory, as a user runs it (a child process through the bin
 * script): killed with SIGKILL in the middle of an encode, it leaves no encoder running; started
 * again on the same directory, it sweeps the killed render's work folder and finishes both the
 * job that was rendering and the one still queued, and its video links download.
 */
const API_KEY = `vc-durable-${randomBytes(12).toString("hex")}`;

let dir: string;
let dataDir: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-durable-"));
  dataDir = join(dir, "data");
  await generateVideo(join(dir, "clip.mp4"), { seconds: 4, width: 320, height: 240, fps: 30 });
});

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/**
 * `videocraft serve --port 0 --data-dir …`, resolved once it prints where it listens. A variable
 * given as undefined is left out of its environment.
 */
async function startServe(
  env: Record<string, string | undefined>,
  args: string[] = [],
  data = dataDir,
): Promise<Serve> {
  const where = args.includes("--ephemeral") ? [] : ["--data-dir", data];
  const merged: Record<string, string | undefined> = {
    ...process.env,
    VIDEOCRAFT_API_KEY: API_KEY,
    VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
    VIDEOCRAFT_LOCAL_WORKERS: "1",
    ...env,
  };
  const child = spawn(process.execPath, [cliBin, "serve", "--port", "0", ...where, ...args], {
    cwd: dir,
    env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await until(
    () => /listening on (http:\/\/\S+)\/v1/.exec(out)?.[1] ?? (child.exitCode !== null && "exited"),
    {
      timeoutMs: 60_000,
      what: "serve to listen",
    },
  );
  if (url === "exited") throw new Error(`serve exited: ${err}`);
  return { child, url, stdout: () => out, exited };
}

const project = (seconds: number) => ({
  resolution: "640x360",
  fps: 30,
  scenes: [
    { duration: seconds, elements: [{ type: "video", src: `file://${join(dir, "clip.mp4")}`, loop: true }] },
  ],
});

/** The command line of a process, or "" once it is gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

describe("videocraft serve with a data directory", () => {
  it("kill -9 mid-encode: no encoder survives, and a restart finishes the rendering and the queued job", async () => {
    // A slow encode, so it is certainly still running when serve is killed.
    const first = await startServe({ VIDEOCRAFT_FFMPEG_PRESET: "veryslow" });
    const client = new ApiClient(first.url, API_KEY);
    const rendering = await client.submit(project(30));
    const queued = await client.submit(project(1));

    const encoder = await until(
      () =>
        descendants(first.child.pid ?? -1).find(
          (p) => p.comm === "ffmpeg" && commandLine(p.pid).includes("libx264"),
        ),
      { timeoutMs: 60_000, intervalMs: 25, what: "the x264 encode to start" },
    );
    const tree = descendants(first.child.pid ?? -1);
    expect((await client.getJob(rendering.id)).status).toBe("processing");
    expect((await client.getJob(queued.id)).status).toBe("queued");
    const workDirs = await readdir(join(dataDir, "work"));
    expect(workDirs.some((name) => name.startsWith(`job-${rendering.id}-`))).toBe(true);

    first.child.kill("SIGKILL");
    await first.exited;
    // Everything serve had started (render worker process, the encoder) goes with it, promptly: the
    // encode itself had a minute of work left.
    await until(() => !tree.some((p) => isRunning(p.pid)), {
      timeoutMs: 5_000,
      intervalMs: 25,
      what: `${tree.map((p) => `${p.comm}:${p.pid}`).join(", ")} to exit after serve was killed`,
    });
    expect(isRunning(encoder.pid)).toBe(false);

    const second = await startServe({ VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" });
    expect(second.stdout()).toMatch(/resuming 1 unfinished job/);
    const client2 = new ApiClient(second.url, API_KEY);
    const done = async (id: string): Promise<JobView> =>
      until(
        async () => {
          const job = await client2.getJob(id);
          return job.status !== "queued" && job.status !== "processing" && job;
        },
        { timeoutMs: 120_000, intervalMs: 200, what: `job ${id} to finish` },
      );
    const [a, b] = [await done(rendering.id), await done(queued.id)];
    expect(a).toMatchObject({ status: "completed", duration_seconds: expect.closeTo(30, 0) });
    expect(b).toMatchObject({ status: "completed" });
    expect((await readdir(join(dataDir, "work"))).filter((n) => workDirs.includes(n))).toEqual([]);

    // The video link points at this run's emulator port and is signed with this run's secret.
    const target = join(dir, "a.mp4");
    await client2.downloadVideo(rendering.id, target);
    expect((await ffprobe(target)).duration).toBeCloseTo(30, 0);

    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 240_000);

  it("refuses a second serve on a data directory in use (exit 2), and --ephemeral keeps nothing there", async () => {
    const holder = await startServe({});
    const again = await runCli(["serve", "--port", "0", "--data-dir", dataDir], {
      env: { VIDEOCRAFT_API_KEY: API_KEY },
      timeoutMs: 60_000,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/in use by another videocraft serve \(pid \d+\)/);

    const listed = await new ApiClient(holder.url, API_KEY).request("GET", "/v1/jobs");
    expect((listed.body as { jobs: unknown[] }).jobs.length).toBeGreaterThan(0);
    holder.child.kill("SIGTERM");
    expect(await holder.exited).toBe(0);

    const ephemeral = await startServe({}, ["--ephemeral"]);
    expect(ephemeral.stdout()).toMatch(/kept in memory/);
    const none = await new ApiClient(ephemeral.url, API_KEY).request("GET", "/v1/jobs");
    expect((none.body as { jobs: unknown[] }).jobs).toEqual([]);
    ephemeral.child.kill("SIGTERM");
    expect(await ephemeral.exited).toBe(0);
  }, 120_000);

  it("keeps the generated API key in the data directory (owner-only), so a restart answers to the same key", async () => {
    const data = join(dir, "keyed");
    const noKey = { VIDEOCRAFT_API_KEY: undefined, VIDEOCRAFT_SECURITY_API_KEY: undefined };
    const printedKey = (s: Serve) => /API key \(.*\): (\S+)/.exec(s.stdout())?.[1];
    const stopServe = async (s: Serve) => {
      s.child.kill("SIGTERM");
      expect(await s.exited).toBe(0);
    };

    const first = await startServe(noKey, [], data);
    const key = printedKey(first) ?? "";
    expect(key).not.toBe("");
    expect(first.stdout()).toContain(join(data, "api-key"));
    expect(await readFile(join(data, "api-key"), "utf8")).toBe(`${key}\n`);
    expect((await stat(join(data, "api-key"))).mode & 0o777).toBe(0o600);
    const { id } = await new ApiClient(first.url, key).submit(project(0.2));
    await stopServe(first);

    const second = await startServe(noKey, [], data);
    expect(printedKey(second)).toBe(key);
    expect((await new ApiClient(second.url, key).getJob(id)).id).toBe(id);
    await stopServe(second);

    // A key chosen in the environment wins, and the kept one stays for the next run without it.
    const chosen = await startServe({ ...noKey, VIDEOCRAFT_SECURITY_API_KEY: API_KEY }, [], data);
    expect(printedKey(chosen)).toBeUndefined();
    expect((await new ApiClient(chosen.url, key).request("GET", "/v1/jobs")).status).toBe(401);
    expect((await new ApiClient(chosen.url, API_KEY).request("GET", "/v1/jobs")).status).toBe(200);
    await stopServe(chosen);
    expect(await readFile(join(data, "api-key"), "utf8")).toBe(`${key}\n`);

    // --ephemeral keeps nothing, its key included: each run makes a new one.
    const e1 = await startServe(noKey, ["--ephemeral"]);
    const e2 = await startServe(noKey, ["--ephemeral"]);
    expect(printedKey(e1)).toBeDefined();
    expect(printedKey(e2)).toBeDefined();
    expect(new Set([printedKey(e1), printedKey(e2), key]).size).toBe(3);
    await Promise.all([stopServe(e1), stopServe(e2)]);
  }, 180_000);

  it("at start sends again the message of a queued job that no queue holds", async () => {
    const data = join(dir, "stranded");
    const env = {
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      VIDEOCRAFT_API_KEY: API_KEY,
    };
    const first = await startLocalService({ dataDir: data, workers: 0, env });
    const { id } = await new ApiClient(first.url, API_KEY).submit(project(0.5));
    // What an API killed between storing the job and sending its message leaves behind.
    const { sqs } = createAwsClients(first.config);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: first.config.queueUrl }));
    sqs.destroy();
    await first.stop();

    const second = await startLocalService({ dataDir: data, workers: 1, env });
    try {
      expect(second.recovered.requeued).toEqual([id]);
      const job = await new ApiClient(second.url, API_KEY).waitForJob(id, { timeoutMs: 60_000 });
      expect(job.status).toBe("completed");
    } finally {
      await second.stop();
    }
  }, 120_000);
});
