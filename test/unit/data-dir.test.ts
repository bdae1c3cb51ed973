import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDataDir, DataDirInUseError, keptApiKey, sweepWorkDir } from "../../local/data-dir.js";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "localhelper-datadir-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The pid of a process that has just exited: a lock it held is stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(child.stdout);
}

describe("claimDataDir", () => {
  it("creates the folder with its .gitignore and a lock holding our pid, refuses a second claim, frees it on release", async () => {
    const dir = join(root, "a");
    const claimed = await claimDataDir(dir);
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe("*\n");
    expect(await readFile(join(dir, "serve.pid"), "utf8")).toBe(String(process.pid));
    await expect(claimDataDir(dir)).rejects.toThrow(DataDirInUseError);
    await claimed.release();
    expect(existsSync(join(dir, "serve.pid"))).toBe(false);
    const again = await claimDataDir(dir);
    await again.release();
  });

  it("takes over the lock of a process that is gone", async () => {
    const dir = join(root, "b");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "serve.pid"), String(deadPid()));
    const claimed = await claimDataDir(dir);
    expect(await readFile(join(dir, "serve.pid"), "utf8")).toBe(String(process.pid));
    await claimed.release();
  });
});

describe("sweepWorkDir", () => {
  it("empties the work folder and keeps it", async () => {
    const claimed = await claimDataDir(join(root, "c"));
    await mkdir(join(claimed.workDir, "job-01JABCDEFGHJKMNPQRSTVWXYZA-x1"), { recursive: true });
    await writeFile(join(claimed.workDir, "job-01JABCDEFGHJKMNPQRSTVWXYZA-x1", "segment-0.mp4"), "partial");
    expect(await sweepWorkDir(claimed)).toEqual(["job-01JABCDEFGHJKMNPQRSTVWXYZA-x1"]);
    expect(existsSync(claimed.workDir)).toBe(true);
    expect(await sweepWorkDir(claimed)).toEqual([]);
    await claimed.release();
  });
});

describe("keptApiKey", () => {
  it("makes a key once, readable by its owner only, and gives the same one back later", async () => {
    const claimed = await claimDataDir(join(root, "d"));
    const key = await keptApiKey(claimed);
    expect(key.path).toBe(join(claimed.path, "api-key"));
    expect(key.value).toMatch(/^[\w-]{32,}$/);
    expect((await stat(key.path)).mode & 0o777).toBe(0o600);
    expect((await keptApiKey(claimed)).value).toBe(key.value);
    await claimed.release();
  });

  it("tightens a file others could read, and keeps its key", async () => {
    const claimed = await claimDataDir(join(root, "e"));
    const { path, value } = await keptApiKey(claimed);
    await chmod(path, 0o644);
    expect((await keptApiKey(claimed)).value).toBe(value);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await claimed.release();
  });

  it("refuses a file that holds no usable key, naming it", async () => {
    const claimed = await claimDataDir(join(root, "f"));
    await writeFile(join(claimed.path, "api-key"), "short\n");
    await expect(keptApiKey(claimed)).rejects.toThrow(/api-key.*16/);
    await claimed.release();
  });
});
