import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { ApiDeps } from "../api/api-deps.js";
import { createApiHandler } from "../api/create-api-handler.js";
import { isStreamed } from "../api/http-response.js";
import { STREAMED_DOWNLOAD_ROUTES } from "./streamed-routes.js";

/**
 * What API Gateway reads first from a streamed Lambda proxy response: status and headers as JSON,
 * then eight null bytes, then the body.
 */
export interface HttpResponsePrelude {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
}

/**
 * Wraps the response stream so that the prelude goes out before the first bytes written to it:
 * `awslambda.HttpResponseStream.from` on Lambda.
 */
export type PreludeWriter = (stream: Writable, prelude: HttpResponsePrelude) => Writable;

export type StreamingHandler = (
  event: APIGatewayProxyEvent,
  responseStream: Writable,
  context: Context,
) => Promise<void>;

/**
 * Lambda streams at most 200 MB per response (counted here in the smaller, decimal megabytes),
 * and the prelude travels in the same stream; a larger video is answered with the redirect.
 */
export const MAX_STREAMED_VIDEO_BYTES = 200_000_000 - 16 * 1024;

/**
 * The download function: the API's own middleware chain (auth as the API does it, so a job is
 * visible to its owner only; VideoCraft's error bodies; CORS) over the streamed download routes,
 * its answer written to Lambda's response stream as API Gateway's streaming integration expects.
 */
export function createDownloadStreamHandler(deps: ApiDeps, writePrelude: PreludeWriter): StreamingHandler {
  const api = createApiHandler(
    { ...deps, downloads: "stream", maxStreamedBytes: deps.maxStreamedBytes ?? MAX_STREAMED_VIDEO_BYTES },
    STREAMED_DOWNLOAD_ROUTES,
  );
  return async (event, responseStream, context) => {
    const result = await api(event, context);
    const http = writePrelude(responseStream, preludeOf(result));
    // The prelude is written with the first chunk; an empty one sends it even for an empty body.
    http.write("");
    if (isStreamed(result)) {
      await pipeline(result.stream, http);
      return;
    }
    const body = Buffer.from(result.body ?? "", result.isBase64Encoded ? "base64" : "utf8");
    if (body.length > 0) http.write(body);
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.end(() => resolve());
    });
  };
}

function preludeOf(result: APIGatewayProxyResult): HttpResponsePrelude {
  const text = (v: unknown) => String(v);
  return {
    statusCode: result.statusCode,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, text(v)])),
    ...(result.multiValueHeaders
      ? {
          multiValueHeaders: Object.fromEntries(
            Object.entries(result.multiValueHeaders).map(([k, values]) => [k, values.map(text)]),
          ),
        }
      : {}),
  };
}
