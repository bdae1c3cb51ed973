import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../functions/adapters/s3-object-store.js";
import { loadConfig, MAX_PRESIGN_SECONDS } from "../../functions/core/config.js";
import { presignVideo } from "../../functions/core/jobs/get-video-link.js";
import { systemClock } from "../../functions/core/ports/clock.js";
import { cannedRequestHandler } from "../support/canned-aws.js";

const ENV = {
  VIDEOCRAFT_BUCKET: "videocraft-test",
  VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/render",
  VIDEOCRAFT_AUTH: "gateway",
};
const JOB_ID = "01J0000000000000000000000A";

describe("VIDEOCRAFT_PRESIGN_EXPIRES", () => {
  it("accepts up to 7 days, the longest S3 honours, and fails start-up naming the variable beyond", () => {
    expect(loadConfig({ ...ENV, VIDEOCRAFT_PRESIGN_EXPIRES: "168h" }).presignExpiresSeconds).toBe(
      MAX_PRESIGN_SECONDS,
    );
    expect(MAX_PRESIGN_SECONDS).toBe(604_800);
    for (const value of ["169h", "604801", "0"]) {
      expect(() => loadConfig({ ...ENV, VIDEOCRAFT_PRESIGN_EXPIRES: value }), value).toThrow(
        /VIDEOCRAFT_PRESIGN_EXPIRES/,
      );
    }
  });
});

describe("a video link's expires_at", () => {
  /** The real S3 client and store, answering HeadObject from a canned 200: no network. */
  function store(credentials: { expiration?: Date }) {
    const { handler } = cannedRequestHandler(() => ({
      status: 200,
      headers: { "content-type": "video/mp4", "content-length": "3" },
    }));
    const client = new S3Client({
      region: "eu-west-1",
      requestHandler: handler,
      credentials: async () => ({
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "session-token",
        ...credentials,
      }),
    });
    return new S3ObjectStore({ client, bucket: "videocraft-test" });
  }
  const config = loadConfig({ ...ENV, VIDEOCRAFT_PRESIGN_EXPIRES: "1h" });
  const link = async (credentials: { expiration?: Date }) => {
    const before = Date.now();
    const result = await presignVideo(JOB_ID, { config, store: store(credentials), clock: systemClock });
    if (!result) throw new Error("no link");
    const url = new URL(result.url);
    return { before, after: Date.now(), expiresAt: Date.parse(result.expires_at), url };
  };

  it("is the end of the signing session when the role's credentials expire before the lifetime", async () => {
    const sessionEnd = new Date(Date.now() + 15 * 60_000);
    const { expiresAt, url } = await link({ expiration: sessionEnd });
    expect(expiresAt).toBe(sessionEnd.getTime());
    // The URL itself still asks for the configured lifetime; the token inside it dies first.
    expect(url.searchParams.get("X-Amz-Expires")).toBe("3600");
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("session-token");
  });

  it("is the configured lifetime when the credentials outlive it or do not expire", async () => {
    for (const credentials of [{ expiration: new Date(Date.now() + 6 * 3600_000) }, {}]) {
      const { before, after, expiresAt } = await link(credentials);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 3600_000);
    }
  });
});
