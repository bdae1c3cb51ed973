import type { AwsClients } from "../functions/adapters/aws-clients.js";
import type { Config } from "../functions/core/config.js";
import type { Log } from "../functions/core/ports/log.js";
import type { Metrics } from "../functions/core/ports/metrics.js";
import { createDeadLetterHandler } from "../functions/render/create-dead-letter-handler.js";
import { createRenderHandler } from "../functions/render/create-render-handler.js";
import type { RenderDeps } from "../functions/render/render-deps.js";
import { LOCAL_FUNCTIONS } from "./lambda-context.js";
import { type SqsHandler, startWorkerLoop, type WorkerLoopOptions } from "./worker-loop.js";

export interface RenderLoopsOptions {
  config: Config;
  clients: AwsClients;
  deps: RenderDeps & { metrics: Metrics };
  /** Pollers of the render queue (and of the assembly queue when fan-out is on). */
  concurrency: number;
  /** The assembly queue's dead-letter queue; only read when fan-out is on. */
  assemblyDlqUrl: string | undefined;
  /** Told about each message a loop receives and settles (the worker process tells the service). */
  onMessage?: WorkerLoopOptions["onMessage"];
  log: Log;
}

/**
 * Everything that consumes the queues, as Lambda's event source mappings would: the render
 * handler on the render queue (and, with fan-out, on the FIFO assembly queue) and the dead-letter
 * handler on each DLQ. The same whether it runs in the render worker process or in the caller's.
 */
export function startRenderLoops(o: RenderLoopsOptions): { stop(): Promise<void> } {
  const { config, clients, deps, concurrency, log } = o;
  const render = createRenderHandler(deps);
  const deadLetter: SqsHandler = createDeadLetterHandler(deps);
  // Named like the deployed functions that consume these queues, so every AWS call a loop makes
  // is attributed to the function that would make it on AWS (lambda-context.ts).
  // The render queues get `concurrency` pollers, each dead-letter queue one.
  const loop = (queueUrl: string, handler: SqsHandler, functionName: string, pollers = 1) =>
    startWorkerLoop({
      sqs: clients.sqs,
      queueUrl,
      handler,
      concurrency: pollers,
      functionName,
      ...(o.onMessage ? { onMessage: o.onMessage } : {}),
      log,
    });
  const renderLoop = (queueUrl: string) => loop(queueUrl, render, LOCAL_FUNCTIONS.render, concurrency);
  const deadLetterLoop = (queueUrl: string) => loop(queueUrl, deadLetter, LOCAL_FUNCTIONS.deadLetter);
  const loops = [renderLoop(config.queueUrl)];
  if (config.dlqUrl) loops.push(deadLetterLoop(config.dlqUrl));
  if (config.fanout.assemblyQueueUrl) {
    loops.push(renderLoop(config.fanout.assemblyQueueUrl));
    if (o.assemblyDlqUrl) loops.push(deadLetterLoop(o.assemblyDlqUrl));
  }
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
