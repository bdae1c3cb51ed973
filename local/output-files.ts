import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, extname, join, resolve } from "node:path";
import { CliExit, EXIT } from "./cli-exit.js";

/**
 * Where the videos of one request go. One project: exactly `-o`. Several (VideoCraft's array
 * body): the project's position, counted from 1, before the extension, so `-o out/video.mp4`
 * writes `out/video-1.mp4`, `out/video-2.mp4`, … in the array's order.
 */
export function outputPathsFor(output: string, count: number): string[] {
  if (count === 1) return [output];
  const ext = extname(output);
  const stem = output.slice(0, output.length - ext.length);
  return Array.from({ length: count }, (_, i) => `${stem}-${i + 1}${ext}`);
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

/**
 * Creates each output's directory and checks it is writable before anything renders, so a
 * finished video is never lost to a path that cannot be written. Exit 2 naming the path otherwise.
 */
export async function prepareOutputFiles(paths: readonly string[]): Promise<void> {
  for (const path of paths.map((p) => resolve(p))) {
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new CliExit(
        EXIT.INVALID,
        `-o ${path} is a directory: give a file name, e.g. ${join(path, "video.mp4")}`,
      );
    }
    const dir = dirname(path);
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new CliExit(EXIT.INVALID, `cannot create the output directory ${dir}: ${reason(e)}`);
    }
    try {
      await access(dir, constants.W_OK);
    } catch (e) {
      throw new CliExit(EXIT.INVALID, `cannot write to the output directory ${dir}: ${reason(e)}`);
    }
  }
}
