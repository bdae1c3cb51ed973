/// <reference lib="dom" />
/** The API as the page calls it: same origin, the stage's base path, the key from session storage. */

const KEY_STORAGE = "videocraft.apiKey";

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, checked where used
  body: any;
}

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: { path: string; message: string }[] };
}

/** Session storage only: the key is gone when the tab closes, and never sits in a URL or a cookie. */
export const apiKeyStore = {
  get: (): string | undefined => sessionStorage.getItem(KEY_STORAGE) ?? undefined,
  set: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

export class StudioApi {
  constructor(
    private readonly base: string,
    private readonly onUnauthorized: () => void,
  ) {}

  async call(method: string, path: string, body?: string | object, signal?: AbortSignal): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: "application/json" };
    const key = apiKeyStore.get();
    if (key) headers["x-api-key"] = key;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { error: { code: "INTERNAL", message: text.slice(0, 200) } };
    }
    if (res.status === 401) this.onUnauthorized();
    return { status: res.status, body: parsed };
  }
}

/** `CODE: message` of an error answer, for status lines. */
export function errorText(answer: ApiAnswer): string {
  const error = (answer.body as ApiErrorBody | undefined)?.error;
  return error ? `${error.code ?? "ERROR"}: ${error.message ?? ""}` : `HTTP ${answer.status}`;
}
