import { execFile, spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ffmpeg = (args: string[]) =>
  run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);

/**
 * A one-colour H.264 MP4 (with a tone when `toneHz` is given): a frame grab proves whether this
 * file was ever rendered.
 */
export async function writeColourClip(
  path: string,
  colour: string,
  o: { seconds?: number; toneHz?: number } = {},
): Promise<void> {
  const seconds = o.seconds ?? 1;
  const tone = o.toneHz ? ["-f", "lavfi", "-i", `sine=frequency=${o.toneHz}:duration=${seconds}`] : [];
  await ffmpeg([
    ...["-f", "lavfi", "-i", `color=c=${colour}:s=160x120:r=10:d=${seconds}`, ...tone],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    ...(o.toneHz ? ["-c:a", "aac", "-shortest"] : []),
    path,
  ]);
}

/** An HLS media playlist of one segment, named by an absolute URL (e.g. `file:///…/outside.mp4`). */
export async function writeHlsPlaylist(path: string, segmentUrl: string): Promise<void> {
  await writeFile(
    path,
    [
      "#EXTM3U",
      "#EXT-X-VERSION:3",
      "#EXT-X-TARGETDURATION:2",
      "#EXT-X-MEDIA-SEQUENCE:0",
      "#EXTINF:1.0,",
      segmentUrl,
      "#EXT-X-ENDLIST",
      "",
    ].join("\n"),
  );
}

/**
 * A DASH manifest whose BaseURL points at `baseUrl` (e.g. `file:///…/outside/`), with the segments
 * ffmpeg's own dash muxer cut from `clip` written into `segmentDir`.
 */
export async function writeDashManifest(
  manifest: string,
  clip: string,
  segmentDir: string,
  baseUrl: string,
): Promise<void> {
  await mkdir(segmentDir, { recursive: true });
  const original = join(segmentDir, "original.mpd");
  await ffmpeg(["-i", clip, "-c", "copy", "-f", "dash", original]);
  const text = await readFile(original, "utf8");
  await writeFile(manifest, text.replace(/<Period\b/, `<BaseURL>${baseUrl}</BaseURL>\n\t<Period`));
}

/** An ffconcat script that plays `target` (any path, inside the allowed directory or not). */
export async function writeConcatScript(path: string, target: string): Promise<void> {
  await writeFile(path, `ffconcat version 1.0\nfile '${target.replaceAll("'", "'\\''")}'\n`);
}

/**
 * A magenta clip `outside/outside.mp4`, and in `allowed` three sources that make ffmpeg read it
 * when it follows them: an HLS playlist `list.m3u8`, a DASH manifest `manifest.mpd` (its segments
 * in `outside/dash/`) and an ffconcat script named `scriptName`.
 */
export async function writeSourcesReachingOutside(
  allowed: string,
  outside: string,
  o: { scriptName: string; toneHz?: number },
): Promise<void> {
  const clip = join(outside, "outside.mp4");
  await writeColourClip(clip, "magenta", { toneHz: o.toneHz });
  await Promise.all([
    writeHlsPlaylist(join(allowed, "list.m3u8"), pathToFileURL(clip).href),
    writeDashManifest(
      join(allowed, "manifest.mpd"),
      clip,
      join(outside, "dash"),
      `${pathToFileURL(outside).href}/dash/`,
    ),
    writeConcatScript(join(allowed, o.scriptName), clip),
  ]);
}

export async function makeFifo(path: string): Promise<void> {
  await run("mkfifo", [path]);
}

/**
 * Opens each FIFO in `dir` for writing once, from a child process with a time limit, so readers
 * blocked in open() (which hold one of Node's few file-system threads each) get EOF and return.
 * Uses no Node file-system call, since those may be the ones stuck. Only a safety net for a
 * failing test run: fixed code never opens a FIFO.
 */
export async function releaseFifos(dir: string, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map(
      (n) =>
        new Promise<void>((resolve) => {
          const child = spawn("timeout", ["2", "sh", "-c", '[ -p "$1" ] && : > "$1"', "sh", join(dir, n)], {
            stdio: "ignore",
          });
          child.on("close", () => resolve());
          child.on("error", () => resolve());
        }),
    ),
  );
}
