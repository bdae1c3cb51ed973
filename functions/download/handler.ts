import type {} from "aws-lambda";
import { loadConfig } from "../core/config.js";
import { lambdaDownloadDeps } from "../wiring.js";
import { createDownloadStreamHandler } from "./create-download-stream-handler.js";

// Module scope: read once per cold start, so a bad setting fails the first request loudly.
// `awslambda` is the global the Node.js runtime (and aws-lambda-ric) provides for streamed responses.
export const handler = awslambda.streamifyResponse(
  createDownloadStreamHandler(lambdaDownloadDeps(loadConfig()), (stream, prelude) =>
    awslambda.HttpResponseStream.from(stream, { ...prelude }),
  ),
);
