/// <reference lib="dom" />
import type { JobView as ApiJobView } from "../../../core/jobs/get-job-view.js";
import { isFinishedStatus } from "../../../core/jobs/job-record.js";
import { byId, el } from "./dom.js";
import { errorText, type StudioApi } from "./studio-api.js";

/** The fields of `GET /v1/jobs/{id}` the panel shows. */
type JobView = Pick<
  ApiJobView,
  "id" | "status" | "progress" | "step" | "duration_seconds" | "error" | "warnings" | "video_url"
>;

const POLL_MS = 700;

/**
 * The render panel: follows one job by polling its status (progress bar, step, warnings, error),
 * cancels it, and once it is completed shows the video with its poster, a download link and the
 * job's JSON.
 */
export class RenderView {
  private jobId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly progress = byId<HTMLProgressElement>("progress");
  private readonly progressText = byId("progress-text");
  private readonly step = byId("job-step");
  private readonly status = byId("job-status");
  private readonly messages = byId("job-messages");
  private readonly cancel = byId<HTMLButtonElement>("cancel-button");
  private readonly result = byId("job-result");
  private readonly video = byId<HTMLVideoElement>("video");
  private readonly download = byId<HTMLAnchorElement>("download");
  private readonly json = byId("job-json");

  constructor(
    private readonly api: StudioApi,
    /** Told when the followed job ends (the jobs list refreshes). */
    private readonly onFinished: () => void,
  ) {
    this.cancel.addEventListener("click", () => void this.cancelJob());
  }

  follow(id: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.jobId = id;
    this.result.hidden = true;
    this.video.removeAttribute("src");
    this.video.removeAttribute("poster");
    this.messages.replaceChildren();
    this.show({ id, status: "queued", progress: 0, step: "queued", warnings: [] });
    void this.poll();
  }

  private async poll(): Promise<void> {
    const id = this.jobId;
    if (!id) return;
    const answer = await this.api.call("GET", `/v1/jobs/${id}`).catch(() => undefined);
    if (id !== this.jobId) return;
    if (answer?.status === 200) {
      const job = answer.body as JobView;
      this.show(job);
      if (isFinishedStatus(job.status)) {
        if (job.status === "completed") await this.showResult(job);
        this.onFinished();
        return;
      }
    } else if (answer) {
      this.status.textContent = errorText(answer);
    }
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private show(job: JobView): void {
    byId("render-panel").hidden = false;
    this.progress.value = job.progress;
    this.progress.setAttribute("aria-valuetext", `${job.progress} %, ${job.step}`);
    this.progressText.textContent = `${job.progress} %`;
    this.step.textContent = job.step;
    this.status.textContent = `Job ${job.id}: ${job.status}`;
    this.status.dataset.status = job.status;
    this.cancel.disabled = isFinishedStatus(job.status);
    const items = [
      ...job.warnings.map((w) => el("li", { class: "warning" }, `Warning: ${w}`)),
      ...(job.error ? [el("li", { class: "error" }, `${job.error.code}: ${job.error.message}`)] : []),
    ];
    this.messages.replaceChildren(...items);
  }

  private async cancelJob(): Promise<void> {
    if (!this.jobId) return;
    this.cancel.disabled = true;
    const answer = await this.api.call("DELETE", `/v1/jobs/${this.jobId}`);
    if (answer.status !== 202) this.status.textContent = errorText(answer);
  }

  private async showResult(job: JobView): Promise<void> {
    const poster = await this.api.call("GET", `/v1/videos/${job.id}/poster`);
    if (poster.status === 200) this.video.poster = poster.body.url;
    if (job.video_url) {
      this.video.src = job.video_url;
      this.download.href = job.video_url;
    }
    this.video.dataset.expectedDuration = String(job.duration_seconds ?? "");
    this.json.textContent = JSON.stringify(job, null, 2);
    this.result.hidden = false;
  }
}
