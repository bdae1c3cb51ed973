import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AwsClients,
  createAwsClients,
  ENDPOINT_ACCESS_KEY_ID,
} from "../../functions/adapters/aws-clients.js";
import {
  payloadIsSigned,
  readSigV4Claim,
  type SignedRequest,
  verifySignature,
} from "../../local/sigv4-verifier.js";

/**
 * The emulator's signature check against what our own SDK clients put on the wire: each request
 * is captured by a bare HTTP server (method, raw path and query, headers, body) and verified. It
 * must accept every one of them with the right secret and refuse any change to what was signed.
 */
const SECRET = "test-secret-of-this-run";

interface Captured extends SignedRequest {
  body: Buffer;
}

let server: http.Server;
let clients: AwsClients;
let endpoint: string;
const captured: Captured[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      captured.push({
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      // Enough for the SDK to finish; what it makes of the answer does not matter here.
      res.writeHead(500, { "content-type": "application/xml" }).end("<Error><Code>Captured</Code></Error>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  clients = createAwsClients({ region: "us-east-1", awsEndpoint: endpoint, awsEndpointSecret: SECRET });
});

afterAll(async () => {
  clients?.s3.destroy();
  clients?.sqs.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

/** Sends through the client and returns the request as the server received it. */
async function capture(send: () => Promise<unknown>): Promise<Captured> {
  const before = captured.length;
  await send().catch(() => undefined);
  const request = captured[before];
  if (!request) throw new Error("nothing reached the server");
  return request;
}

async function fetchCaptured(url: string): Promise<Captured> {
  const before = captured.length;
  await fetch(url).then((r) => r.arrayBuffer());
  const request = captured[before];
  if (!request) throw new Error("nothing reached the server");
  return request;
}

function verify(req: Captured, secret = SECRET, now = new Date()) {
  const claim = readSigV4Claim(req, ENDPOINT_ACCESS_KEY_ID, now);
  if (!claim.ok) return claim;
  const hash = payloadIsSigned(claim) ? createHash("sha256").update(req.body).digest("hex") : undefined;
  return verifySignature(req, claim, secret, hash);
}

const bucket = "videocraft-local";
const oddKey = "jobs/01JABCDEFGHJKMNPQRSTVWXYZ/a dir/héllo (1)+[x]~*'!.json";

describe("SigV4 verification of our SDK clients' requests", () => {
  it("accepts S3 PutObject, GetObject and ListObjectsV2 signed in the header, odd keys included", async () => {
    const requests = [
      await capture(() =>
        clients.s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: oddKey, Body: '{"a":1}', IfNoneMatch: "*" }),
        ),
      ),
      await capture(() =>
        clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: oddKey, Range: "bytes=0-9" })),
      ),
      await capture(() =>
        clients.s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: "jobs/a b=c&d",
            Delimiter: "/",
            ContinuationToken: "x/y+z",
          }),
        ),
      ),
    ];
    for (const req of requests) {
      expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
      expect(verify(req)).toEqual({ ok: true });
    }
  });

  it("accepts an SQS request (JSON protocol, body hashed into the signature)", async () => {
    const req = await capture(() =>
      clients.sqs.send(
        new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MessageBody: '{"jobId":"x"}' }),
      ),
    );
    expect(req.headers["content-type"]).toBe("application/x-amz-json-1.0");
    expect(verify(req)).toEqual({ ok: true });
  });

  it("accepts a presigned GET as the API hands it out, with a download name", async () => {
    const url = await getSignedUrl(
      clients.s3,
      new GetObjectCommand({
        Bucket: bucket,
        Key: oddKey,
        ResponseContentDisposition: `attachment; filename="my video.mp4"; filename*=UTF-8''my%20vid%C3%A9o.mp4`,
      }),
      { expiresIn: 600 },
    );
    const req = await fetchCaptured(url);
    expect(req.headers.authorization).toBeUndefined();
    expect(verify(req)).toEqual({ ok: true });
  });

  it("refuses a wrong secret, and any change to the method, path, query, a signed header or the body", async () => {
    const put = await capture(() =>
      clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: "jobs/x/status.json", Body: "queued" })),
    );
    const sqs = await capture(() =>
      clients.sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MessageBody: "a" })),
    );
    const url = await getSignedUrl(
      clients.s3,
      new GetObjectCommand({ Bucket: bucket, Key: "videos/a.mp4" }),
      {
        expiresIn: 600,
      },
    );
    const presigned = await fetchCaptured(url);

    const refusedAs = (req: Captured, secret?: string) => {
      const result = verify(req, secret);
      return result.ok ? "accepted" : result.code;
    };
    expect(refusedAs(put, "another-secret")).toBe("SignatureDoesNotMatch");
    expect(refusedAs({ ...put, method: "DELETE" })).toBe("SignatureDoesNotMatch");
    expect(refusedAs({ ...put, url: put.url.replace("x/status", "y/status") })).toBe("SignatureDoesNotMatch");
    expect(refusedAs({ ...put, body: Buffer.from("failed") })).toBe("XAmzContentSHA256Mismatch");
    expect(refusedAs({ ...put, headers: { ...put.headers, host: "127.0.0.1:1" } })).toBe(
      "SignatureDoesNotMatch",
    );
    expect(refusedAs({ ...sqs, body: Buffer.from(sqs.body.toString().replace('"a"', '"b"')) })).toBe(
      "XAmzContentSHA256Mismatch",
    );
    expect(refusedAs({ ...presigned, url: presigned.url.replace("videos/a.mp4", "videos/b.mp4") })).toBe(
      "SignatureDoesNotMatch",
    );
    expect(refusedAs({ ...presigned, url: `${presigned.url}&list-type=2` })).toBe("SignatureDoesNotMatch");
    expect(
      refusedAs({
        ...presigned,
        url: presigned.url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"0".repeat(64)}`),
      }),
    ).toBe("SignatureDoesNotMatch");
  });

  it("refuses unsigned requests, other access keys, skewed clocks and expired links", async () => {
    const get = await capture(() => clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: "a" })));
    const unsigned: Captured = {
      method: "GET",
      url: `/${bucket}/a`,
      headers: { host: "127.0.0.1" },
      body: Buffer.alloc(0),
    };
    expect(verify(unsigned)).toMatchObject({ ok: false, code: "AccessDenied" });
    const otherKey = {
      ...get,
      headers: {
        ...get.headers,
        authorization: String(get.headers.authorization).replace(ENDPOINT_ACCESS_KEY_ID, "someone"),
      },
    };
    expect(verify(otherKey)).toMatchObject({ ok: false, code: "InvalidAccessKeyId" });
    const later = new Date(Date.now() + 20 * 60_000);
    expect(verify(get, SECRET, later)).toMatchObject({ ok: false, code: "RequestTimeTooSkewed" });

    const url = await getSignedUrl(clients.s3, new GetObjectCommand({ Bucket: bucket, Key: "a" }), {
      expiresIn: 60,
    });
    const presigned = await fetchCaptured(url);
    expect(verify(presigned, SECRET, new Date(Date.now() + 30_000))).toEqual({ ok: true });
    expect(verify(presigned, SECRET, new Date(Date.now() + 90_000))).toMatchObject({
      ok: false,
      code: "AccessDenied",
      message: "request has expired",
    });
  });
});
