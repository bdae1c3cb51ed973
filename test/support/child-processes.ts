import { readdirSync, readFileSync } from "node:fs";

/**
 * Processes this test process started, found through Linux's /proc: lets a test see an ffmpeg the
 * service spawned, and see it gone, instead of guessing from elapsed time.
 */

/** `/proc/<pid>/stat` is `pid (comm) state ppid …`; comm may itself hold spaces or parentheses. */
function readStat(pid: number): { comm: string; state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const [state, ppid] = text.slice(close + 2).split(" ");
  return { comm: text.slice(open + 1, close), state: state ?? "", ppid: Number(ppid) };
}

/** Pids of the live children of this process whose executable name is `name` (e.g. "ffmpeg"). */
export function childProcesses(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.ppid === process.pid && stat.comm === name && stat.state !== "Z")
      pids.push(Number(entry));
  }
  return pids;
}

/** Whether `pid` is still a live child of this process (not exited, not a zombie). */
export function isLiveChild(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.ppid === process.pid && stat.state !== "Z";
}

/** Live processes under `root` (children, their children, …), each with its executable name. */
export function descendants(root: number): { pid: number; comm: string }[] {
  const children = new Map<number, { pid: number; comm: string }[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat || stat.state === "Z") continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid: Number(entry), comm: stat.comm });
    children.set(stat.ppid, list);
  }
  const found: { pid: number; comm: string }[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

/** Whether `pid` is a live process (not exited, not a zombie), whoever its parent. */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== "Z";
}
