/// <reference lib="dom" />
import { byId, el } from "./dom.js";
import { errorText, type StudioApi } from "./studio-api.js";

interface JobSummary {
  id: string;
  status: string;
  progress: number;
  created_at: string;
}

const PAGE_SIZE = 10;

/** The jobs list: a status filter, pages of ten (cursor paging), and per job "open" and "follow". */
export class JobsView {
  /** Cursors of the pages before the current one; the last is the current page's. */
  private cursors: (string | undefined)[] = [undefined];
  private next: string | undefined;
  private readonly list = byId("jobs-list");
  private readonly filter = byId<HTMLSelectElement>("jobs-status");
  private readonly prev = byId<HTMLButtonElement>("jobs-prev");
  private readonly more = byId<HTMLButtonElement>("jobs-next");
  private readonly note = byId("jobs-note");

  constructor(
    private readonly api: StudioApi,
    private readonly actions: { open(id: string): void; follow(id: string): void },
  ) {
    this.filter.addEventListener("change", () => void this.reload());
    byId("jobs-refresh").addEventListener("click", () => void this.load());
    this.prev.addEventListener("click", () => {
      this.cursors.pop();
      void this.load();
    });
    this.more.addEventListener("click", () => {
      this.cursors.push(this.next);
      void this.load();
    });
  }

  reload(): Promise<void> {
    this.cursors = [undefined];
    return this.load();
  }

  async load(): Promise<void> {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (this.filter.value) query.set("status", this.filter.value);
    const cursor = this.cursors.at(-1);
    if (cursor) query.set("cursor", cursor);
    const answer = await this.api.call("GET", `/v1/jobs?${query}`);
    if (answer.status !== 200) {
      this.note.textContent = errorText(answer);
      return;
    }
    const jobs = answer.body.jobs as JobSummary[];
    this.next = answer.body.next_cursor;
    this.note.textContent = jobs.length === 0 ? "No jobs." : `Page ${this.cursors.length}`;
    this.prev.disabled = this.cursors.length <= 1;
    this.more.disabled = !this.next;
    this.list.replaceChildren(
      ...jobs.map((job) => {
        const open = el("button", { type: "button", class: "small" }, "Open request");
        open.addEventListener("click", () => this.actions.open(job.id));
        const follow = el("button", { type: "button", class: "small" }, "Show");
        follow.addEventListener("click", () => this.actions.follow(job.id));
        return el(
          "tr",
          { "data-job": job.id },
          // The whole id is in the title and in the job's JSON; the row shows enough to tell jobs apart.
          el("td", {}, el("code", { title: job.id }, `${job.id.slice(0, 4)}…${job.id.slice(-6)}`)),
          el("td", { "data-status": job.status }, job.status),
          el("td", {}, `${job.progress} %`),
          el(
            "td",
            {},
            new Date(job.created_at).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" }),
          ),
          el("td", {}, open, " ", follow),
        );
      }),
    );
  }
}
