/// <reference lib="dom" />
import { uploadFromBrowser } from "./browser-upload.js";
import { byId, el } from "./dom.js";
import { createRequestEditor } from "./editor.js";
import { renderEstimate } from "./estimate-view.js";
import { JobsView } from "./jobs-view.js";
import { locatePath } from "./json-paths.js";
import { RenderView } from "./render-view.js";
import { checkLocally, diagnosticsFor, mergeProblems, type Problem } from "./request-check.js";
import type { JsonSchema } from "./schema-check.js";
import { type ApiAnswer, apiKeyStore, errorText, StudioApi } from "./studio-api.js";

/** The dry run waits this long after the last keystroke, so typing does not flood the API. */
const DRY_RUN_DEBOUNCE_MS = 500;

interface Example {
  name: string;
  title: string;
  request: unknown;
}

const base = document.querySelector<HTMLMetaElement>('meta[name="videocraft-base"]')?.content ?? "";
const statusLine = byId("status");
const say = (text: string) => {
  statusLine.textContent = text;
};

const keyForm = byId<HTMLFormElement>("key-form");
const keyInput = byId<HTMLInputElement>("api-key");
const api = new StudioApi(base, () => {
  keyForm.hidden = false;
  say("The API refused the key: enter a valid one.");
  keyInput.focus();
});

let schema: JsonSchema | undefined;
let examples: Example[] = [];
let local: Problem[] = [];
let checkSeq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

const editor = createRequestEditor(byId("editor"), {
  schema: () => schema,
  onChange: (text) => check(text),
  label: "Request JSON",
  styleNonce: document.querySelector<HTMLMetaElement>('meta[name="videocraft-style-nonce"]')?.content ?? "",
});
const jobs: JobsView = new JobsView(api, {
  open: (id) => void openJobRequest(id),
  follow: (id) => render.follow(id),
});
const render = new RenderView(api, () => void jobs.load());

/** Instant checks as you type, then the API's dry run once typing pauses. */
function check(text: string): void {
  const seq = ++checkSeq;
  const result = checkLocally(text, schema);
  local = result.problems;
  showProblems(text, local);
  if (timer) clearTimeout(timer);
  const estimate = byId("estimate");
  if (result.value === undefined) {
    estimate.textContent = text.trim()
      ? "Fix the JSON syntax to get an estimate."
      : "Write or load a request.";
    return;
  }
  estimate.setAttribute("aria-busy", "true");
  const isArray = Array.isArray(result.value);
  timer = setTimeout(() => void dryRun(text, isArray, seq), DRY_RUN_DEBOUNCE_MS);
}

/** `isArray`: the request is an array of projects, whose problem paths the API gives per project. */
async function dryRun(text: string, isArray: boolean, seq: number): Promise<void> {
  const answer = await api.call("POST", "/v1/videos?dry_run=true", text).catch(() => undefined);
  if (seq !== checkSeq) return;
  const estimate = byId("estimate");
  estimate.removeAttribute("aria-busy");
  if (!answer) {
    estimate.textContent = "The API could not be reached.";
    return;
  }
  if (answer.status === 200) {
    const projects = answer.body.projects as {
      problems: { path: string; message: string; code: string }[];
    }[];
    const remote = projects.flatMap((p, i) =>
      p.problems.map((q) => ({
        path: projects.length > 1 || isArray ? `[${i}].${q.path}` : q.path,
        message: `${q.code}: ${q.message}`,
        source: "dry run" as const,
      })),
    );
    showProblems(text, mergeProblems(local, remote));
    renderEstimate(estimate, answer.body.projects);
    return;
  }
  const details: { path: string; message: string }[] = answer.body?.error?.details ?? [];
  showProblems(
    text,
    mergeProblems(
      local,
      details.map((d) => ({ ...d, source: "api" as const })),
    ),
  );
  estimate.textContent =
    details.length > 0 ? "The API refuses this request; see the problems." : errorText(answer);
}

function showProblems(text: string, problems: Problem[]): void {
  editor.showDiagnostics(diagnosticsFor(text, problems));
  const list = byId("problems");
  list.replaceChildren(
    ...problems.map((p) => {
      const button = el(
        "button",
        { type: "button", class: "link" },
        p.path ? `${p.path}: ${p.message}` : p.message,
      );
      button.addEventListener("click", () => {
        const at =
          p.position !== undefined ? { from: p.position, to: p.position } : locatePath(editor.text(), p.path);
        editor.reveal(at.from, at.to);
      });
      return el("li", { "data-source": p.source }, button);
    }),
  );
  byId("problem-count").textContent =
    problems.length === 0 ? "No problems" : `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
}

async function submit(): Promise<void> {
  const answer = await api.call("POST", "/v1/videos", editor.text());
  if (answer.status !== 202) {
    say(`Not submitted: ${errorText(answer)}`);
    return;
  }
  const ids: string[] = answer.body.jobs
    ? answer.body.jobs.map((j: { id: string }) => j.id)
    : [answer.body.id];
  say(ids.length > 1 ? `Submitted ${ids.length} jobs; following the first.` : `Submitted job ${ids[0]}.`);
  if (ids[0]) render.follow(ids[0]);
  void jobs.reload();
}

async function openJobRequest(id: string): Promise<void> {
  const answer = await api.call("GET", `/v1/jobs/${id}/request`);
  if (answer.status !== 200) {
    say(`Could not open job ${id}: ${errorText(answer)}`);
    return;
  }
  editor.setText(JSON.stringify(answer.body, null, 2));
  say(`Opened the request of job ${id}.`);
  editor.view.focus();
}

async function loadReferenceData(): Promise<void> {
  const [schemaAnswer, examplesAnswer]: [ApiAnswer, ApiAnswer] = await Promise.all([
    api.call("GET", "/v1/schema"),
    api.call("GET", "/v1/examples"),
  ]);
  if (schemaAnswer.status === 200) schema = schemaAnswer.body;
  if (examplesAnswer.status === 200) {
    examples = examplesAnswer.body.examples;
    const select = byId<HTMLSelectElement>("examples");
    select.replaceChildren(...examples.map((e) => el("option", { value: e.name }, `${e.name}: ${e.title}`)));
  }
  if (schemaAnswer.status === 200) {
    keyForm.hidden = true;
    say("Ready.");
    check(editor.text());
    void jobs.reload();
  }
}

keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!keyInput.value.trim()) return;
  apiKeyStore.set(keyInput.value.trim());
  keyInput.value = "";
  void loadReferenceData();
});
byId("forget-key").addEventListener("click", () => {
  apiKeyStore.clear();
  keyForm.hidden = false;
  keyInput.focus();
});
byId("load-example").addEventListener("click", () => {
  const example = examples.find((e) => e.name === byId<HTMLSelectElement>("examples").value);
  if (!example) return;
  editor.setText(JSON.stringify(example.request, null, 2));
  say(`Loaded example ${example.name}.`);
});
byId("render-button").addEventListener("click", () => void submit());
byId("format-button").addEventListener("click", () => {
  try {
    editor.setText(JSON.stringify(JSON.parse(editor.text()), null, 2));
  } catch {
    say("Cannot format: the JSON is not valid.");
  }
});
byId<HTMLInputElement>("upload-file").addEventListener("change", async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const progress = byId("upload-status");
  try {
    const done = await uploadFromBrowser(api, file, (sent, total) => {
      progress.textContent = `Uploading ${file.name}: ${Math.floor((sent / total) * 100)} %`;
    });
    editor.insertString(done.source);
    progress.textContent = `Uploaded ${file.name}: inserted ${done.source}`;
  } catch (e) {
    progress.textContent = `Upload failed: ${(e as Error).message}`;
  } finally {
    input.value = "";
  }
});

keyForm.hidden = apiKeyStore.get() !== undefined;
if (apiKeyStore.get()) void loadReferenceData();
else keyInput.focus();
