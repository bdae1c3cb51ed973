/**
 * VideoCraft's own ffmpeg plan, re-expressed in TypeScript for the benchmark (not used by the
 * service). It follows how `internal/core/video/engine/command.go` in activadee/videocraft builds
 * its single command (`buildCommandWithSubtitleFileAndDuration`):
 *
 * - one ffmpeg process for the whole video;
 * - the first global video element is the background, read with `-stream_loop <n>` where
 *   n = floor(total / background duration) + 1, and used at its own size;
 * - every scene's audio is an input; two or more are joined with `concat`, then `apad=pad_dur=2`;
 *   the total length is the sum of the audio durations plus 2 s (`-t %.2f`);
 * - the i-th image of the scenes is `scale=500:500` and overlaid at its x/y with
 *   `enable='between(t\,start\,end)'`, start/end being the i-th audio's window;
 * - an ASS file, when given, is burned last with `ass='<path>'`;
 * - output: libx264, AAC, `-crf 23` (18 for quality "high"), `-s WxH`, `-preset medium`,
 *   `+faststart`, yuv420p. Because `-s` is an output option, overlays and captions are drawn at the
 *   background's size and only the finished frame is scaled.
 */

export interface BaselineScene {
  audio: { path: string; durationSeconds: number };
  /** Shown for this scene's audio window; VideoCraft pairs the i-th image with the i-th audio. */
  image?: { path: string; x: number; y: number };
}

export interface BaselineProject {
  background: { path: string; durationSeconds: number };
  scenes: readonly BaselineScene[];
  width: number;
  height: number;
  quality?: "high" | "medium" | "low";
  /** Burned with the `ass` filter when set (VideoCraft's subtitles path). */
  assPath?: string;
  /**
   * Not VideoCraft's: the benchmark's own variations of its plan (x264 preset instead of `medium`,
   * a CRF instead of the quality's, e.g. 0 for the lossless reference).
   */
  encoder?: { preset?: string; crf?: number };
  output: string;
}

export interface BaselineCommand {
  /** Arguments after the `ffmpeg` binary name. */
  args: string[];
  output: string;
  durationSeconds: number;
}

/** VideoCraft prints floats with Go's `%f`: six decimals. */
const goFloat = (v: number): string => v.toFixed(6);

export function videocraftBaselineCommand(project: BaselineProject): BaselineCommand {
  const audio = project.scenes.map((s) => s.audio);
  const images = project.scenes.flatMap((s) => (s.image ? [s.image] : []));
  const total = audio.reduce((sum, a) => sum + Math.max(0, a.durationSeconds), 0) + 2;

  // The command builder starts with -y and the input section adds it again; both are kept.
  const args: string[] = ["-y", "-y", "-protocol_whitelist", "file,http,https,tcp,tls"];
  const loops = Math.floor(total / project.background.durationSeconds) + 1;
  args.push("-stream_loop", String(loops), "-i", project.background.path);
  for (const a of audio) args.push("-i", a.path);
  for (const image of images) args.push("-i", image.path);

  const filters: string[] = [];
  if (audio.length > 1) {
    const labels = audio.map((_, i) => `[${i + 1}:a]`).join("");
    filters.push(`${labels}concat=n=${audio.length}:v=0:a=1[concatenated_audio]`);
    filters.push("[concatenated_audio]apad=pad_dur=2[final_audio]");
  } else if (audio.length === 1) {
    filters.push("[1:a]apad=pad_dur=2[final_audio]");
  }

  // Scene windows: the audio files back to back (VideoCraft's "fallback timing").
  const windows: { start: number; end: number }[] = [];
  let clock = 0;
  for (const a of audio) {
    const d = a.durationSeconds > 0 ? a.durationSeconds : 5;
    windows.push({ start: clock, end: clock + d });
    clock += d;
  }
  let current = "0:v";
  images.forEach((image, i) => {
    const window = windows[i] ?? { start: i * 5, end: i * 5 + 5 };
    const input = audio.length + 1 + i;
    filters.push(`[${input}:v]scale=500:500[scaled_img_${i}]`);
    filters.push(
      `[${current}][scaled_img_${i}]overlay=${image.x}:${image.y}:` +
        `enable='between(t\\,${goFloat(window.start)}\\,${goFloat(window.end)})'[overlay_${i}]`,
    );
    current = `overlay_${i}`;
  });
  let videoOut = images.length > 0 ? `[${current}]` : "0:v";
  if (project.assPath) {
    filters.push(`[${current}]ass='${project.assPath}'[subtitled_video]`);
    videoOut = "[subtitled_video]";
  }
  if (filters.length > 0) args.push("-filter_complex", filters.join(";"));
  args.push("-map", videoOut);
  if (audio.length > 0) args.push("-map", "[final_audio]");
  args.push("-t", total.toFixed(2));
  const crf = project.encoder?.crf ?? (project.quality === "high" ? 18 : 23);
  args.push("-c:v", "libx264", "-c:a", "aac", "-crf", String(crf));
  args.push("-s", `${project.width}x${project.height}`);
  const preset = project.encoder?.preset ?? "medium";
  args.push("-preset", preset, "-movflags", "+faststart", "-pix_fmt", "yuv420p", project.output);
  return { args, output: project.output, durationSeconds: total };
}

/** Seconds as ASS `H:MM:SS.cc`. */
function assTime(t: number): string {
  const cs = Math.max(0, Math.round(t * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const c = cs % 100;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(c).padStart(2, "0")}`;
}

export interface TimedWord {
  word: string;
  /** Seconds on the output timeline. */
  start: number;
  end: number;
}

/**
 * A simple word-by-word ASS file like VideoCraft's progressive captions: one event per word,
 * bottom centre, drawn at `width`×`height` (the background's size, as VideoCraft does).
 */
export function wordByWordAss(words: readonly TimedWord[], width: number, height: number): string {
  const header = [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    "WrapStyle: 0",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, " +
      "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, " +
      "MarginR, MarginV, Encoding",
    "Style: Default,Arial,72,&H0000D5FF,&H00FFFFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,3,2,2,40,40,80,1",
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
  ];
  const events = words.map(
    (w) =>
      `Dialogue: 0,${assTime(w.start)},${assTime(w.end)},Default,,0,0,0,,${w.word.replace(/[{}\\]/g, "")}`,
  );
  return `${[...header, ...events].join("\n")}\n`;
}
