import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/**
 * Where `videocraft serve` keeps its state between runs: the bucket's objects, the queues and the
 * render scratch space. Project-local by default, like `node_modules`: jobs stay with the project
 * they were rendered for, and `rm -rf .videocraft` starts afresh.
 */
export const DEFAULT_DATA_DIR = ".videocraft";

export interface DataDir {
  path: string;
  /** Render scratch space: owned by this service alone, so anything in it at start is stale. */
  workDir: string;
  release(): Promise<void>;
}

export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

const LOCK = "serve.pid";

/**
 * Takes a data directory for this process: creates it (with a `.gitignore` that keeps it out of
 * the project's repository) and writes our pid into its lock file. A lock whose process is gone
 * (a killed service) is taken over; a live one is refused, since two emulators on one folder
 * would overwrite each other's queues.
 */
export async function claimDataDir(dir: string): Promise<DataDir> {
  const path = resolve(dir);
  await mkdir(path, { recursive: true });
  await writeFile(join(path, ".gitignore"), "*\n", { flag: "wx" }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "EEXIST") throw e;
  });
  const lock = join(path, LOCK);
  // A reader never sees a lock without its pid.
  for (let attempt = 0; !(await createComplete(lock, String(process.pid))); attempt++) {
    const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
    const alive = Number.isInteger(holder) && holder > 0 && isAlive(holder);
    // A second collision means another process took the stale lock over at the same moment.
    if (alive || attempt > 0) {
      throw new DataDirInUseError(
        `${path} is in use by another videocraft serve (pid ${holder || "unknown"}); stop it, or pass --data-dir <another folder>`,
      );
    }
    await unlink(lock).catch(() => undefined);
  }
  return {
    path,
    workDir: join(path, "work"),
    async release() {
      const holder = (await readFile(lock, "utf8").catch(() => "")).trim();
      if (holder === String(process.pid)) await unlink(lock).catch(() => undefined);
    },
  };
}

/**
 * Creates `path` with `content` unless it exists (then false). Written aside and linked into
 * place, so the file is never seen, nor left by a killed process, without its content.
 */
async function createComplete(path: string, content: string, mode?: number): Promise<boolean> {
  const aside = `${path}.${process.pid}`;
  await writeFile(aside, content, mode === undefined ? {} : { mode });
  try {
    await link(aside, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return false;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Empties the data directory's work folder: whatever is in it was left by renders of a process
 * that was killed (a stopped service finishes or abandons its renders and cleans up after them).
 */
export async function sweepWorkDir(dataDir: DataDir): Promise<string[]> {
  const stale = await readdir(dataDir.workDir).catch(() => [] as string[]);
  await Promise.all(stale.map((name) => rm(join(dataDir.workDir, name), { recursive: true, force: true })));
  await mkdir(dataDir.workDir, { recursive: true });
  return stale;
}

/** The shortest key the API accepts (VIDEOCRAFT_API_KEY). */
const MIN_API_KEY_LENGTH = 16;

/** A new API key: 192 random bits, URL-safe. */
export const generateApiKey = (): string => randomBytes(24).toString("base64url");

/**
 * The API key `serve` uses when none is configured, kept in the data directory (`api-key`, readable
 * by its owner only), so clients and scripts set up against one run keep working after a restart.
 * Made on first use; a file someone loosened is tightened again.
 */
export async function keptApiKey(dataDir: DataDir): Promise<{ value: string; path: string }> {
  const path = join(dataDir.path, "api-key");
  // A killed start never leaves an empty key file.
  const fresh = generateApiKey();
  if (await createComplete(path, `${fresh}\n`, 0o600)) return { value: fresh, path };
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  const value = (await readFile(path, "utf8")).trim();
  if (value.length < MIN_API_KEY_LENGTH || /\s/.test(value)) {
    throw new Error(
      `${path} holds no usable API key (one line of ${MIN_API_KEY_LENGTH}+ characters): delete it to get a new one`,
    );
  }
  return { value, path };
}
