import { describe, expect, it } from "vitest";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { apiEvent, lambdaContext } from "../../support/api-event.js";
import { createTestApi, minimalProject, NOW } from "./test-api.js";

const post = (body: unknown, key: string) => ({
  method: "POST",
  path: "/v1/videos",
  body,
  headers: { "Idempotency-Key": key },
});

describe("Idempotency-Key", () => {
  it("returns the same job for a repeat and queues it once", async () => {
    const api = createTestApi();
    const first = await api.call(post(minimalProject(), "order-1"));
    const again = await api.call(post(minimalProject(), "order-1"));
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.json).toEqual(first.json);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(api.queue.messages).toHaveLength(1);
  });

  it("replays an array request as the same jobs", async () => {
    const api = createTestApi();
    const body = [minimalProject(1), minimalProject(2)];
    const first = await api.call(post(body, "batch"));
    const again = await api.call(post(body, "batch"));
    expect(again.json).toEqual(first.json);
    expect(api.queue.messages).toHaveLength(2);
  });

  it("refuses the same key with a different body (409)", async () => {
    const api = createTestApi();
    await api.call(post(minimalProject(1), "k1"));
    const res = await api.call(post(minimalProject(2), "k1"));
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("CONFLICT");
    expect(api.queue.messages).toHaveLength(1);
  });

  it("creates one job for 20 concurrent requests with the same key", async () => {
    const api = createTestApi();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.call(post(minimalProject(), "race"))),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(api.queue.messages).toHaveLength(1);
    const jobDirs = [...api.memory.objects.keys()].filter((k) => k.endsWith("/status.json"));
    expect(jobDirs).toHaveLength(1);
  });

  it("keeps keys of different callers apart", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_AUTH: "gateway" } });
    // Gateway mode: the caller is the API key id API Gateway resolved.
    const call = (apiKeyId: string) => {
      const event = apiEvent(post(minimalProject(), "shared"));
      event.requestContext.identity.apiKeyId = apiKeyId;
      return api.handler(event, lambdaContext);
    };
    const a = JSON.parse((await call("key-a")).body);
    const b = JSON.parse((await call("key-b")).body);
    expect(a.id).not.toBe(b.id);
    expect(api.queue.messages).toHaveLength(2);
  });

  it("finishes a job an earlier request reserved but never created", async () => {
    let now = NOW;
    const api = createTestApi({ clock: { now: () => now } });
    const first = await api.call(post(minimalProject(), "crash"));
    const id = first.json.id;
    // Simulate the first request dying after the reservation.
    api.memory.objects.delete(storageKeys.status(id));
    api.queue.messages.length = 0;
    const soon = await api.call(post(minimalProject(), "crash"));
    expect(soon.json.id).toBe(id);
    expect(api.queue.messages).toHaveLength(0);

    now = new Date(NOW.getTime() + 120_000);
    const later = await api.call(post(minimalProject(), "crash"));
    expect(later.json.id).toBe(id);
    expect(api.queue.messages).toEqual([{ jobId: id }]);
    expect(await api.store.exists(storageKeys.status(id))).toBe(true);
  });

  it("refuses a malformed key", async () => {
    const api = createTestApi();
    const res = await api.call(post(minimalProject(), "has space"));
    expect(res.status).toBe(400);
    expect(res.json.error.details[0].path).toBe("Idempotency-Key");
  });
});

describe("a queue that refuses the message", () => {
  it("answers 500, marks the job failed and frees the Idempotency-Key for the retry", async () => {
    const api = createTestApi();
    const send = api.queue.send.bind(api.queue);
    let fail = true;
    api.queue.send = async (m) => {
      if (fail) throw new Error("SQS down");
      return send(m);
    };
    const res = await api.call(post(minimalProject(), "retry-me"));
    expect(res.status).toBe(500);
    const statuses = [...api.memory.objects.entries()].filter(([k]) => k.endsWith("/status.json"));
    expect(statuses).toHaveLength(1);
    expect(JSON.parse(statuses[0]?.[1].body.toString() ?? "{}")).toMatchObject({
      status: "failed",
      error: { code: "INTERNAL" },
    });
    fail = false;
    const retry = await api.call(post(minimalProject(), "retry-me"));
    expect(retry.status).toBe(202);
    expect(retry.headers["idempotent-replayed"]).toBeUndefined();
    expect(api.queue.messages).toEqual([{ jobId: retry.json.id }]);
  });
});
