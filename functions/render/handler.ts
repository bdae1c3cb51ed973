import { loadConfig } from "../core/config.js";
import { lambdaRenderDeps } from "../wiring.js";
import { createDeadLetterHandler } from "./create-dead-letter-handler.js";
import { createProbeHandler } from "./create-probe-handler.js";
import { createRenderHandler } from "./create-render-handler.js";
import { resolveWhisperPaths } from "./speech/whisper-paths.js";

/** Lambda entry points of the render worker image, wired once per cold start. */
const config = loadConfig();
const deps = lambdaRenderDeps(config, resolveWhisperPaths(config.transcriptionModel, process.env));

/** SQS render queue (and, with fan-out, the assembly queue) → one job or job part per message. */
export const handler = createRenderHandler(deps);

/** SQS dead-letter queue → mark the job failed (and send its webhook). */
export const deadLetterHandler = createDeadLetterHandler(deps);

/** Direct invocation from the API's dry run → probes of its sources (no job, nothing written). */
export const probeHandler = createProbeHandler(deps);
