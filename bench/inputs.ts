import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateSpeech, generateVideo } from "../local/generate-media.js";
import { exists, FRAME, ffmpegQuiet, INPUTS, log, probeDuration } from "./bench-env.js";
import type { TimedWord } from "./videocraft-baseline-plan.js";

/** Generated once into .cache/bench/inputs and reused by every later run. */

const SENTENCES = [
  "Every video starts as a small JSON document describing scenes.",
  "The renderer downloads each source once and checks what it contains.",
  "Narration drives the length of every scene in the project.",
  "Images appear while their scene is speaking and vanish afterwards.",
  "A background clip loops quietly behind everything else.",
  "Captions follow the voice one word at a time.",
  "When the last frame is written the file is uploaded for download.",
  "Short previews use a faster encoder and a larger file.",
];

export interface Narration {
  path: string;
  text: string;
  durationSeconds: number;
}

export interface CaseInputs {
  background: { path: string; durationSeconds: number };
  images: string[];
  narration: Narration[];
}

export async function sharedInputs(): Promise<{ background: string; images: string[] }> {
  await mkdir(INPUTS, { recursive: true });
  const background = join(INPUTS, "background-1080p-10s.mp4");
  if (!(await exists(background))) {
    log("generating the 1080p background video (10 s)");
    await generateVideo(background, {
      seconds: 10,
      width: FRAME.width,
      height: FRAME.height,
      fps: FRAME.fps,
    });
  }
  const images = [join(INPUTS, "image-a-800x600.png"), join(INPUTS, "image-b-800x600.png")];
  const sources = ["testsrc=size=800x600:rate=1", "mandelbrot=size=800x600:rate=1"];
  for (const [i, path] of images.entries()) {
    if (await exists(path)) continue;
    await ffmpegQuiet(["-f", "lavfi", "-i", sources[i] ?? "testsrc", "-frames:v", "1", path]);
  }
  return { background, images };
}

/** espeak-ng narration of about `seconds`, from repeated sentences. */
async function narration(path: string, seconds: number, seed: number): Promise<Narration> {
  const textFile = `${path}.txt`;
  if ((await exists(path)) && (await exists(textFile))) {
    return { path, text: await readFile(textFile, "utf8"), durationSeconds: await probeDuration(path) };
  }
  let words = Math.max(4, Math.round(seconds * 2.5));
  let text = "";
  let duration = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const out: string[] = [];
    for (let i = seed; out.length < words; i++)
      out.push(...(SENTENCES[i % SENTENCES.length] ?? "").split(" "));
    text = out.slice(0, words).join(" ");
    if (!text.endsWith(".")) text += ".";
    await generateSpeech(path, text);
    duration = await probeDuration(path);
    if (Math.abs(duration - seconds) / seconds < 0.08) break;
    words = Math.max(4, Math.round((words * seconds) / duration));
  }
  await writeFile(textFile, text);
  return { path, text, durationSeconds: duration };
}

/** `scenes` narrations filling `targetSeconds` with VideoCraft's 2 s tail. */
export async function caseInputs(name: string, scenes: number, targetSeconds: number): Promise<CaseInputs> {
  const shared = await sharedInputs();
  const perScene = (targetSeconds - 2) / scenes;
  const narrations: Narration[] = [];
  for (let i = 0; i < scenes; i++) {
    narrations.push(await narration(join(INPUTS, `narration-${name}-${i}.wav`), perScene, i * 3));
  }
  return {
    background: { path: shared.background, durationSeconds: await probeDuration(shared.background) },
    images: shared.images,
    narration: narrations,
  };
}

/** Words spread evenly over each narration, on the output timeline. */
export function timedWords(inputs: CaseInputs): TimedWord[][] {
  let offset = 0;
  return inputs.narration.map((n) => {
    const words = n.text.split(/\s+/).filter(Boolean);
    const step = n.durationSeconds / words.length;
    const timed = words.map((word, i) => ({ word, start: offset + i * step, end: offset + (i + 1) * step }));
    offset += n.durationSeconds;
    return timed;
  });
}

/** Seconds of the rendered video: the narrations and the 2 s tail. */
export const videoSecondsOf = (inputs: CaseInputs): number =>
  inputs.narration.reduce((s, n) => s + n.durationSeconds, 0) + 2;
