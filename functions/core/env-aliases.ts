/**
 * VideoCraft's own environment variable names, for settings that mean the same thing here, so a
 * VideoCraft deployment's environment keeps working. Ours win when both are set. VideoCraft
 * settings with no meaning here (its Python Whisper, its output directory, its rate limit) are
 * listed in the README's compatibility section, not silently half-honoured.
 */
export const VIDEOCRAFT_ENV_ALIASES = {
  VIDEOCRAFT_SECURITY_API_KEY: "VIDEOCRAFT_API_KEY",
  VIDEOCRAFT_FFMPEG_BINARY_PATH: "VIDEOCRAFT_FFMPEG_PATH",
  VIDEOCRAFT_FFMPEG_FFPROBE_PATH: "VIDEOCRAFT_FFPROBE_PATH",
  VIDEOCRAFT_STORAGE_TEMP_DIR: "VIDEOCRAFT_WORK_DIR",
  VIDEOCRAFT_JOB_WORKERS: "VIDEOCRAFT_LOCAL_WORKERS",
} as const;

/**
 * `VIDEOCRAFT_SECURITY_ALLOWED_DOMAINS` lists bare domains (`localhost:3000,app.example.com`),
 * each allowed over http and https, or full origins; ours wants origins.
 */
const ALLOWED_DOMAINS = "VIDEOCRAFT_SECURITY_ALLOWED_DOMAINS";

export type Env = Record<string, string | undefined>;

const isSet = (v: string | undefined): v is string => v !== undefined && v !== "";

/** The environment with each VideoCraft name copied to ours where ours is unset. */
export function resolveEnvAliases(env: Env): Env {
  const out: Env = { ...env };
  for (const [theirs, ours] of Object.entries(VIDEOCRAFT_ENV_ALIASES)) {
    const value = env[theirs];
    if (isSet(value) && !isSet(env[ours])) out[ours] = value;
  }
  const domains = env[ALLOWED_DOMAINS];
  if (isSet(domains) && !isSet(env.VIDEOCRAFT_CORS_ORIGIN)) {
    out.VIDEOCRAFT_CORS_ORIGIN = domains
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean)
      .flatMap((d) => (/^https?:\/\//.test(d) ? [d] : [`https://${d}`, `http://${d}`]))
      .join(",");
  }
  return out;
}
