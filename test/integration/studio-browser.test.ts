import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { generateImage } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { buildLocalStudio, type LocalStudio } from "../../local/local-studio.js";
import { repoRoot } from "../support/run-cli.js";
import { launchTestBrowser, type TestBrowser } from "../support/studio-browser.js";

/**
 * The studio in a real browser against the local service, as a user meets it: key, example,
 * validation as you type, estimate, render with progress, playback, cancel, jobs, upload, phone.
 * Screenshots of each step go to out/studio-screens/ (git-ignored) for a person to look at.
 */
const SCREENS = join(repoRoot, "out/studio-screens");
/** The page's script, gzipped, must stay under this. */
const MAX_SCRIPT_GZIP_BYTES = 500 * 1024;

let studio: LocalStudio;
let service: LocalService;
let browser: TestBrowser;
let page: Page;
let client: ApiClient;
const problems: string[] = [];
let examples: { name: string; request: unknown }[];

const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
const editorText = () => page.locator(".cm-content").textContent();

/** Replaces the editor's text as typing would (select all, then text input). */
async function typeRequest(text: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(text);
}

beforeAll(async () => {
  await mkdir(SCREENS, { recursive: true });
  studio = await buildLocalStudio();
  service = await startLocalService({
    env: { VIDEOCRAFT_STUDIO_DIR: studio.dir, VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" },
  });
  await studio.provideExampleMedia(service);
  client = new ApiClient(service.url, service.apiKey);
  examples = ((await client.request("GET", "/v1/examples")).body as { examples: typeof examples }).examples;
  browser = await launchTestBrowser();
  page = await browser.context.newPage();
  // Generous: the machine may be busy with other renders; each wait still ends on a positive signal.
  page.setDefaultTimeout(45_000);
  // CSP violations and script errors show up here; the page must have none. Chromium also logs
  // every 4xx answer as an error: the dry run's 400 for an invalid request is the page working.
  page.on("console", (m) => {
    const answeredDryRun =
      m.text().includes("status of 400") && m.location().url.includes("/v1/videos?dry_run=true");
    if (m.type() === "error" && !answeredDryRun) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await studio?.remove();
});

describe("the studio in Chromium", () => {
  it("keeps its script under 500 kB gzipped", () => {
    console.log(
      `studio bundle: ${studio.build.js.bytes} B (${studio.build.js.gzipBytes} B gzipped), css ${studio.build.css.bytes} B`,
    );
    expect(studio.build.js.gzipBytes).toBeLessThan(MAX_SCRIPT_GZIP_BYTES);
  });

  it("asks for the key, then loads the schema and the examples", async () => {
    await page.goto(`${service.url}/studio`);
    await expect.poll(() => page.locator("#key-form").isVisible()).toBe(true);
    await shot("01-key");
    await page.fill("#api-key", service.apiKey);
    await page.press("#api-key", "Enter");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "Ready.");
    expect(await page.locator("#examples option").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^quick-preview: Quick preview/)]),
    );
    expect(await page.evaluate(() => sessionStorage.getItem("videocraft.apiKey"))).toBe(service.apiKey);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it("loads an example and shows its dry-run estimate", async () => {
    await page.selectOption("#examples", "quick-preview");
    await page.click("#load-example");
    await expect.poll(editorText).toContain("uploads/examples/background.mp4");
    await page.waitForFunction(() => document.querySelector("#estimate")?.textContent?.includes("2.00 s"));
    const estimate = await page.locator("#estimate").textContent();
    expect(estimate).toMatch(/Render time\s*≈ \d+(\.\d)? s/);
    expect(estimate).toMatch(/Cost on Lambda\s*≈ \$0\.\d+/);
    expect(estimate).toMatch(/Sources\s*3 \(3 reachable\)/);
    await shot("02-example-estimate");
  });

  it("marks a misspelt key at its place in the text, and clears it once fixed", async () => {
    const example = examples.find((e) => e.name === "quick-preview");
    const good = JSON.stringify(example?.request, null, 2);
    // The page's own check marks the key at once; the API's answer comes after the typing pause.
    const refused = page.waitForResponse((r) => r.url().includes("dry_run=true") && r.status() === 400);
    await typeRequest(good.replace('"volume"', '"volumme"'));
    await refused;
    await page.waitForFunction(() =>
      document.querySelector("#problems")?.textContent?.includes("unknown key 'volumme'"),
    );
    // The API's own path, shown inline on the offending property.
    const marked = await page.locator(".cm-lintRange-error").allTextContents();
    expect(marked.join(" ")).toContain('"volumme": 0.5');
    expect(await page.locator("#problems li").allTextContents()).toContain(
      "scenes[0].elements[2].volumme: unknown key 'volumme'",
    );
    await shot("03-validation-error");
    await typeRequest(good);
    await page.waitForFunction(() => document.querySelector("#problem-count")?.textContent === "No problems");
    await expect.poll(() => page.locator(".cm-lintRange-error").count()).toBe(0);
    await shot("04-fixed");
  });

  it("renders: the progress bar reaches 100 %, then the video plays the MP4 with its poster", async () => {
    await page.waitForFunction(() => document.querySelector("#estimate")?.textContent?.includes("2.00 s"));
    await page.click("#render-button");
    await page.waitForFunction(() => document.querySelector("#job-status")?.textContent?.startsWith("Job "));
    await shot("05-rendering");
    await page.waitForFunction(
      () => document.querySelector("#job-status")?.getAttribute("data-status") === "completed",
      undefined,
      { timeout: 120_000 },
    );
    expect(await page.locator("#progress").evaluate((p) => (p as HTMLProgressElement).value)).toBe(100);
    expect(await page.locator("#progress-text").textContent()).toBe("100 %");
    await page.waitForFunction(
      () => (document.querySelector("#video") as HTMLVideoElement).readyState >= 2,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const video = await page.locator("#video").evaluate((v) => {
      const el = v as HTMLVideoElement;
      return { duration: el.duration, src: el.currentSrc, poster: el.poster };
    });
    const id = /Job (\w+)/.exec((await page.locator("#job-status").textContent()) ?? "")?.[1] ?? "";
    const job: JobView = await client.getJob(id);
    expect(job.duration_seconds).toBeDefined();
    expect(Math.abs(video.duration - (job.duration_seconds ?? 0))).toBeLessThan(0.1);
    // Each status read signs a fresh link: same object, newer signature.
    const path = (url: string | null | undefined) => new URL(url ?? "").pathname;
    expect(path(video.src)).toBe(`/videocraft-local/videos/${id}.mp4`);
    expect(path(video.poster)).toBe(`/videocraft-local/videos/${id}.jpg`);
    expect(path(await page.locator("#download").getAttribute("href"))).toBe(path(job.video_url));
    expect(JSON.parse((await page.locator("#job-json").textContent()) ?? "{}")).toMatchObject({
      id,
      status: "completed",
    });
    await page.locator("#job-result details summary").click();
    await shot("06-completed");
  }, 180_000);

  it("cancels a second, longer job", async () => {
    const example = examples.find((e) => e.name === "quick-preview");
    const long = JSON.stringify(example?.request, null, 2)
      .replace('"duration": 2', '"duration": 120')
      .replace('"width": 640', '"width": 1920')
      .replace('"height": 360', '"height": 1080');
    await typeRequest(long);
    await page.waitForFunction(() => document.querySelector("#estimate")?.textContent?.includes("120.00 s"));
    await page.click("#render-button");
    await page.waitForFunction(() => {
      const s = document.querySelector("#job-status")?.getAttribute("data-status");
      return s === "queued" || s === "processing";
    });
    await page.click("#cancel-button");
    await page.waitForFunction(
      () => document.querySelector("#job-status")?.getAttribute("data-status") === "cancelled",
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.locator("#job-messages").textContent()).toContain("CANCELLED");
    await shot("07-cancelled");
  }, 90_000);

  it("lists jobs by status and re-opens a job's request in the editor", async () => {
    await page.selectOption("#jobs-status", "completed");
    await expect.poll(() => page.locator("#jobs-list tr").count()).toBe(1);
    await page.selectOption("#jobs-status", "");
    await expect.poll(() => page.locator("#jobs-list tr").count()).toBe(2);
    await page.selectOption("#jobs-status", "completed");
    await expect.poll(() => page.locator("#jobs-list tr").count()).toBe(1);
    await page.locator("#jobs-list tr button", { hasText: "Open request" }).click();
    await expect.poll(editorText).toContain('"duration": 2,');
    expect(await editorText()).toContain('"quality": "draft"');
    await page.waitForFunction(() => document.querySelector("#problem-count")?.textContent === "No problems");
    // The re-opened request gets its own estimate.
    await page.waitForFunction(() => document.querySelector("#estimate")?.textContent?.includes("2.00 s"));
    await shot("08-jobs");
  });

  it("uploads a picked file (one PUT, and in parts) and puts its s3:// source where the cursor is", async () => {
    const dir = join(studio.dir, "..");
    await generateImage(join(dir, "My Logo.png"), { width: 64, height: 64, color: "#ff00ff" });
    // The cursor inside the image's src string: the upload replaces that string.
    await page.locator(".cm-line", { hasText: "examples/logo.png" }).click();
    await page.setInputFiles("#upload-file", join(dir, "My Logo.png"));
    await page.waitForFunction(() =>
      document.querySelector("#upload-status")?.textContent?.startsWith("Uploaded"),
    );
    const small =
      /inserted (s3:\/\/\S+)/.exec((await page.locator("#upload-status").textContent()) ?? "")?.[1] ?? "";
    expect(small).toMatch(/^s3:\/\/videocraft-local\/uploads\/[0-9A-Z]{26}\/My-Logo\.png$/);
    await expect.poll(editorText).toContain(`"src": "${small}"`);
    expect(await editorText()).not.toContain("examples/logo.png");

    await writeFile(join(dir, "big.wav"), Buffer.alloc(9 * 1024 * 1024, 7));
    await page.locator(".cm-line", { hasText: "examples/music.wav" }).click();
    await page.setInputFiles("#upload-file", join(dir, "big.wav"));
    await page.waitForFunction(
      () => document.querySelector("#upload-status")?.textContent?.includes("big.wav: inserted"),
      undefined,
      { timeout: 60_000 },
    );
    const big =
      /inserted (s3:\/\/\S+)/.exec((await page.locator("#upload-status").textContent()) ?? "")?.[1] ?? "";
    expect(await service.store.sizeOf(big.replace("s3://videocraft-local/", ""))).toBe(9 * 1024 * 1024);
    await expect.poll(editorText).toContain(`"src": "${big}"`);
    // The dry run probes the new sources: the logo is media, the zeros are not.
    await page.waitForFunction(() =>
      document.querySelector("#problems")?.textContent?.includes("SOURCE_INVALID_MEDIA"),
    );
    expect(await page.locator("#problems li").allTextContents()).toEqual([
      expect.stringMatching(/^scenes\[0\]\.elements\[2\]\.src: SOURCE_INVALID_MEDIA/),
    ]);
    await shot("09-uploaded");
  }, 90_000);

  it("is usable by keyboard: every control has a label and focus is visible", async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, button, [contenteditable]")]
        .filter((el) => {
          const named = (el as HTMLInputElement).labels?.length || el.getAttribute("aria-label");
          return !named && !(el.textContent ?? "").trim() && !(el as HTMLElement).hidden;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    await page.focus("#load-example");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { id: el.id, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.id).toBe("upload-file");
    await page.keyboard.press("Shift+Tab");
    const back = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { id: el.id, outline: getComputedStyle(el).outlineStyle };
    });
    expect(back).toEqual({ id: "load-example", outline: "solid" });
  });

  it("fits a phone-sized viewport without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("10-phone");
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      wide: [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((el) => !el.parentElement?.closest(".table-wrap"))
        .map((el) => `${el.tagName}#${el.id}.${el.className}`)
        .slice(0, 5),
    }));
    expect(widths.page, widths.wide.join(", ")).toBeLessThanOrEqual(widths.viewport);
  });

  it("ran without a script error or a Content-Security-Policy violation", () => {
    expect(problems).toEqual([]);
  });
});
