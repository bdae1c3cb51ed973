import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsClients } from "../../functions/adapters/aws-clients.js";
import { retentionRules } from "../../functions/core/jobs/retention-rules.js";
import { type EmbeddedStack, startEmbeddedStack } from "../../local/embedded-stack.js";
import { sweepExpiredObjects } from "../../local/retention-sweeper.js";
import { clientsOfStack } from "../support/stack-clients.js";

let stack: EmbeddedStack;
let s3: AwsClients["s3"];

beforeAll(async () => {
  stack = await startEmbeddedStack();
  s3 = clientsOfStack(stack).s3;
  for (const key of [
    "videos/A.mp4",
    "jobs/A/status.json",
    "cache/words/x.json",
    "uploads/u.wav",
    "other/keep.txt",
  ]) {
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: "x" }));
  }
});
afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
});

const keys = async () => {
  const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const page = await s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }));
  return (page.Contents ?? []).map((o) => o.Key).sort();
};

describe("local retention sweeper (the emulator never enforces lifecycle rules)", () => {
  it("keeps everything younger than its rule", async () => {
    const { deleted } = await sweepExpiredObjects(s3, stack.bucket, retentionRules(7), new Date());
    expect(deleted).toEqual([]);
  });

  it("deletes by prefix once each rule's age has passed, from the same rules CDK uses", async () => {
    const day = 24 * 3600 * 1000;
    const in8Days = new Date(Date.now() + 8 * day);
    expect((await sweepExpiredObjects(s3, stack.bucket, retentionRules(7), in8Days)).deleted.sort()).toEqual([
      "uploads/u.wav",
      "videos/A.mp4",
    ]);
    const in31Days = new Date(Date.now() + 31 * day);
    expect((await sweepExpiredObjects(s3, stack.bucket, retentionRules(7), in31Days)).deleted.sort()).toEqual(
      ["cache/words/x.json", "jobs/A/status.json"],
    );
    expect(await keys()).toEqual(["other/keep.txt"]);
  });
});
