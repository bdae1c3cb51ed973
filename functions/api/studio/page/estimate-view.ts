/// <reference lib="dom" />
import type { DryRunProject } from "../../../core/jobs/dry-run.js";
import { el } from "./dom.js";

/** The dry run's answer as a short summary: length, render time, cost, sources. */
export function renderEstimate(target: HTMLElement, projects: DryRunProject[]): void {
  const blocks = projects.map((p, i) => {
    const failedSources = p.sources.filter((s) => s.status === "failed").length;
    const rows: [string, string][] = [
      [
        "Video length",
        `${p.total_duration_seconds.toFixed(2)} s (${p.scenes.length} scene${p.scenes.length === 1 ? "" : "s"})`,
      ],
      ["Render time", `≈ ${p.estimate.render_seconds.toFixed(1)} s`],
      ["Cost on Lambda", `≈ $${p.estimate.cost_usd.toFixed(5)}`],
      [
        "Sources",
        `${p.sources.length} (${p.sources.length - failedSources} reachable${failedSources ? `, ${failedSources} failed` : ""})`,
      ],
      ["Problems", p.problems.length === 0 ? "none" : String(p.problems.length)],
    ];
    const list = el("dl", { class: "facts" });
    for (const [term, value] of rows) list.append(el("dt", {}, term), el("dd", {}, value));
    const notes = (p.notes ?? []).map((n) => el("p", { class: "note" }, n));
    return el(
      "section",
      { "aria-label": `project ${i + 1}` },
      ...(projects.length > 1 ? [el("h3", {}, `Project ${i + 1}`)] : []),
      list,
      ...notes,
    );
  });
  target.replaceChildren(...blocks);
}
