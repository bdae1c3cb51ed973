import { loadConfig } from "../core/config.js";
import { lambdaApiDeps } from "../wiring.js";
import { createApiHandler } from "./create-api-handler.js";

// Module scope: read once per cold start, so a bad setting fails the first request loudly.
export const handler = createApiHandler(lambdaApiDeps(loadConfig()));
