import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** The public job view (`GET /v1/jobs/{id}`). */
export interface JobView {
  id: string;
  status: "queued" | "processing" | "completed" | "failed" | "cancelled";
  progress: number;
  step: string;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  duration_seconds?: number;
  error?: { code: string; message: string };
  warnings?: string[];
  video_url?: string;
  expires_at?: string;
  /** The GIF preview's presigned link, when the project asked for one. */
  gif_url?: string;
  /** The data row of a template batch. */
  row?: number;
  template_id?: string;
  webhook?: { delivered: boolean; attempts: number; last_status?: number };
}

export class ApiRequestError extends Error {
  override name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const err = (body as { error?: { code?: string; message?: string } })?.error;
    super(`HTTP ${status}${err ? ` ${err.code}: ${err.message}` : ""}`);
  }
}

/**
 * Joins an API base and a route path, keeping the base's own path: a deployed API lives under a
 * stage (`https://abc.execute-api.eu-west-1.amazonaws.com/prod`), which `new URL(path, base)`
 * would drop. A base that already ends in `/v1` or `/api/v1` (as `videocraft serve` prints it)
 * is accepted too. Query strings and fragments of the base are ignored.
 */
export function joinApiUrl(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new TypeError(`the API URL must be http(s), got ${base.protocol}`);
  }
  const prefix = base.pathname.replace(/\/+$/, "").replace(/(?:\/api)?\/v1$/, "");
  return `${base.origin}${prefix}${path.startsWith("/") ? path : `/${path}`}`;
}

/** A small client of the HTTP API, used by the CLI, the demo and the end-to-end tests. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(joinApiUrl(this.baseUrl, path), {
      method,
      redirect: "manual",
      headers: {
        ...(this.apiKey ? { "x-api-key": this.apiKey } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  }

  async submit(project: unknown, headers: Record<string, string> = {}): Promise<{ id: string }> {
    const res = await this.request("POST", "/v1/videos", project, headers);
    if (res.status !== 202) throw new ApiRequestError(res.status, res.body);
    return res.body as { id: string };
  }

  async getJob(id: string): Promise<JobView> {
    const res = await this.request("GET", `/v1/jobs/${encodeURIComponent(id)}`);
    if (res.status !== 200) throw new ApiRequestError(res.status, res.body);
    return res.body as JobView;
  }

  /** Polls until the job finishes; `onUpdate` sees every status read. */
  async waitForJob(
    id: string,
    o: { timeoutMs?: number; intervalMs?: number; onUpdate?: (job: JobView) => void } = {},
  ): Promise<JobView> {
    const deadline = Date.now() + (o.timeoutMs ?? 600_000);
    for (;;) {
      const job = await this.getJob(id);
      o.onUpdate?.(job);
      if (job.status !== "queued" && job.status !== "processing") return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${o.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
    }
  }

  /** Downloads the finished video through its presigned URL. */
  async downloadVideo(id: string, path: string): Promise<void> {
    const res = await this.request("GET", `/v1/videos/${encodeURIComponent(id)}`, undefined, {
      accept: "application/json",
    });
    if (res.status !== 200) throw new ApiRequestError(res.status, res.body);
    const { url } = res.body as { url: string };
    const file = await fetch(url);
    if (!file.ok || !file.body) throw new Error(`download failed with HTTP ${file.status}`);
    await pipeline(
      Readable.fromWeb(file.body as import("node:stream/web").ReadableStream),
      createWriteStream(path),
    );
  }
}
