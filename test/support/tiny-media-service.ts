import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import { ApiClient } from "../../local/api-client.js";
import { generateImage, generateTone } from "../../local/generate-media.js";
import { type LocalService, type LocalServiceOptions, startLocalService } from "../../local/local-service.js";
import { type CaptureLog, captureLog } from "./capture-log.js";

export interface TinyMediaService {
  /** Temp folder holding `tone.wav` (1 s) and `dot.png` (16×16), allowed for file:// sources. */
  dir: string;
  service: LocalService;
  client: ApiClient;
  log: CaptureLog;
  /** SDK clients on the emulator, for poking at the bucket and queues directly. */
  aws: AwsClients;
  stop(): Promise<void>;
}

/**
 * The local service with the cheapest real media there is, for tests that render many tiny jobs
 * (crash, cache, fan-out): ultrafast encodes, a private work dir and a capturing log.
 */
export async function startTinyMediaService(
  prefix: string,
  options: Omit<LocalServiceOptions, "env" | "log"> & {
    env?: Record<string, string>;
    dotColor?: string;
  } = {},
): Promise<TinyMediaService> {
  const { env, dotColor, ...rest } = options;
  const dir = await mkdtemp(join(tmpdir(), `vc-${prefix}-`));
  await Promise.all([
    generateTone(join(dir, "tone.wav"), { seconds: 1 }),
    generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: dotColor ?? "#101010" }),
  ]);
  const log = captureLog();
  const service = await startLocalService({
    ...rest,
    env: {
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      VIDEOCRAFT_WORK_DIR: join(dir, "work"),
      ...env,
    },
    log,
  });
  const aws = createAwsClients(service.config);
  return {
    dir,
    service,
    client: new ApiClient(service.url, service.apiKey),
    log,
    aws,
    async stop() {
      aws.s3.destroy();
      aws.sqs.destroy();
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
