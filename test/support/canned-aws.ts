/** The part of the SDK's HttpRequest a canned answer looks at. */
interface SdkHttpRequest {
  method: string;
  hostname: string;
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
  body?: unknown;
}

/** One HTTP answer as AWS sends it: status, headers and the raw body (JSON or XML text). */
export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RecordedRequest {
  method: string;
  hostname: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

/**
 * An SDK v3 `requestHandler` that answers from canned wire responses instead of the network, so
 * the real client (serialisation, signing, protocol parsing, error mapping) runs and no call leaves
 * the machine. `answer` sees each request; throwing from it fails the call like a network error.
 */
export function cannedRequestHandler(answer: (request: RecordedRequest) => CannedResponse) {
  const requests: RecordedRequest[] = [];
  const handler = {
    async handle(request: SdkHttpRequest) {
      const body =
        request.body === undefined || request.body === null
          ? ""
          : typeof request.body === "string"
            ? request.body
            : request.body instanceof Uint8Array
              ? new TextDecoder().decode(request.body)
              : "";
      const recorded: RecordedRequest = {
        method: request.method,
        hostname: request.hostname,
        path: request.path,
        query: request.query ?? {},
        headers: request.headers,
        body,
      };
      requests.push(recorded);
      const canned = answer(recorded);
      const bytes = new TextEncoder().encode(canned.body ?? "");
      return {
        response: {
          statusCode: canned.status,
          reason: "",
          headers: {
            "x-amzn-requestid": `req-${requests.length}`,
            "content-length": String(bytes.length),
            ...canned.headers,
          },
          body: bytes,
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return { handler, requests };
}
