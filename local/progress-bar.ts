import cliProgress from "cli-progress";
import type { JobView } from "./api-client.js";

/** A terminal progress bar fed by job status reads; quiet when stdout is not a terminal. */
export function createJobProgressBar(label: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {step}`,
      hideCursor: true,
      noTTYOutput: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { step: "queued" });
  return {
    update(job: JobView) {
      bar.update(job.progress, { step: job.status === "processing" ? job.step : job.status });
    },
    stop() {
      bar.stop();
    },
  };
}
