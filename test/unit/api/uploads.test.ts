import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../../functions/adapters/s3-object-store.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import {
  contentTypeForName,
  SINGLE_PUT_MAX_BYTES,
  safeUploadName,
  uploadPartSize,
} from "../../../functions/core/uploads/upload-rules.js";
import { createTestApi, NOW } from "./test-api.js";

const MIB = 1024 * 1024;
const upload = (body: unknown, env?: Record<string, string>) =>
  createTestApi({ env }).call({ method: "POST", path: "/v1/uploads", body });

describe("POST /v1/uploads", () => {
  it("answers one presigned PUT for a small file, with the s3:// source under uploads/<id>/", async () => {
    const res = await upload({ file_name: "voice.wav", content_type: "audio/wav", size: 1234 });
    expect(res.status).toBe(201);
    const { id, source, url, headers, method } = res.json;
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(method).toBe("single");
    expect(source).toBe(`s3://videocraft-test/uploads/${id}/voice.wav`);
    expect(headers).toEqual({ "content-type": "audio/wav" });
    const signed = new URL(url);
    expect(signed.pathname).toBe(`/uploads/${id}/voice.wav`);
    expect(Object.fromEntries(signed.searchParams)).toMatchObject({ type: "audio/wav", length: "1234" });
    expect(res.json.expires_at).toBe("2025-03-04T05:21:07.000Z");
  });

  it("gives uploads made in the same millisecond unrelated ids (not one counted on from the other)", async () => {
    const api = createTestApi();
    const body = { file_name: "a.png", content_type: "image/png", size: 10 };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await api.call({ method: "POST", path: "/v1/uploads", body })).json.id);
    // The clock is fixed: the time part is the same, the 80 random bits must each be drawn anew.
    expect(new Set(ids.map((id) => id.slice(0, 10))).size).toBe(1);
    const random = ids.map((id) => id.slice(10, 20));
    expect(new Set(random).size).toBe(3);
  });

  it("says the URLs expire with the signing credentials when those end first", async () => {
    const sessionEnd = new Date(NOW.getTime() + 5 * 60_000);
    const store = Object.assign(new InMemoryObjectStore(), { signingExpiry: async () => sessionEnd });
    const api = createTestApi({ store });
    for (const size of [1234, SINGLE_PUT_MAX_BYTES + 1]) {
      const res = await api.call({
        method: "POST",
        path: "/v1/uploads",
        body: { file_name: "clip.mp4", content_type: "video/mp4", size },
      });
      expect(res.status, String(size)).toBe(201);
      expect(res.json.expires_at, String(size)).toBe(sessionEnd.toISOString());
    }
  });

  it("refuses a file over VIDEOCRAFT_STORAGE_MAX_FILE_SIZE, a type the renderer does not take and an unsafe name, naming each field", async () => {
    const res = await upload(
      { file_name: "../x.mp4", content_type: "application/x-msdownload", size: 2 * MIB },
      { VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "1mb" },
    );
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
    const paths = res.json.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["content_type", "file_name"]);
    const big = await upload(
      { file_name: "x.mp4", content_type: "video/mp4", size: 2 * MIB },
      { VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "1mb" },
    );
    expect(big.status).toBe(400);
    expect(big.json.error.details).toEqual([
      { path: "size", message: expect.stringContaining("up to 1048576 bytes") },
    ]);
  });

  it("names a missing field, an unknown key and an upper-case media type", async () => {
    const res = await upload({ file_name: "a.png", content_type: "IMAGE/PNG", sise: 3 });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual(
      expect.arrayContaining([
        { path: "size", message: "size is required" },
        { path: "sise", message: "unknown key 'sise'" },
        { path: "content_type", message: "content_type must be lower case: image/png" },
      ]),
    );
  });

  it("splits a large file into presigned parts and joins them on completion", async () => {
    const api = createTestApi();
    const size = 2 * SINGLE_PUT_MAX_BYTES + 5;
    const res = await api.call({
      method: "POST",
      path: "/v1/uploads",
      body: { file_name: "long.mp4", content_type: "video/mp4", size },
    });
    expect(res.status).toBe(201);
    const body = res.json;
    expect(body.method).toBe("multipart");
    expect(body.parts.map((p: { size: number }) => p.size)).toEqual([
      SINGLE_PUT_MAX_BYTES,
      SINGLE_PUT_MAX_BYTES,
      5,
    ]);
    expect(body.complete_path).toBe(`/v1/uploads/${body.id}/complete`);
    const [uploadId] = [...api.memory.multipart.keys()];
    const parts = body.parts.map((p: { part_number: number; size: number }) => ({
      part_number: p.part_number,
      etag: api.memory.putPart(uploadId as string, p.part_number, Buffer.alloc(p.size, p.part_number)),
    }));
    const wrong = await api.call({
      method: "POST",
      path: body.complete_path,
      body: { upload_id: body.upload_id, parts: [{ ...parts[0], etag: '"0"' }, ...parts.slice(1)] },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.details[0].path).toBe("parts");
    // Parts may come back in any order.
    const done = await api.call({
      method: "POST",
      path: body.complete_path,
      body: { upload_id: body.upload_id, parts: [...parts].reverse() },
    });
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ id: body.id, source: body.source, size });
    expect(await api.store.sizeOf(`uploads/${body.id}/long.mp4`)).toBe(size);
    // The upload is finished: completing it again finds nothing.
    const again = await api.call({
      method: "POST",
      path: body.complete_path,
      body: { upload_id: body.upload_id, parts },
    });
    expect(again.status).toBe(404);
  });

  it("refuses a completion with an upload_id it did not hand out, or for an id that is no upload", async () => {
    const api = createTestApi();
    const forged = await api.call({
      method: "POST",
      path: "/v1/uploads/01JABCDEFGHJKMNPQRSTVWXYZ0/complete",
      body: {
        upload_id: Buffer.from('["../../jobs/x","u"]').toString("base64url"),
        parts: [{ part_number: 1, etag: "e" }],
      },
    });
    expect(forged.status).toBe(400);
    expect(forged.json.error.details).toEqual([{ path: "upload_id", message: expect.any(String) }]);
    const notAnId = await api.call({
      method: "POST",
      path: "/v1/uploads/nope/complete",
      body: { upload_id: "x", parts: [{ part_number: 1, etag: "e" }] },
    });
    expect(notAnId.status).toBe(404);
  });

  it("is documented in the OpenAPI document with its request and answer schemas", async () => {
    const res = await createTestApi().call({ method: "GET", path: "/v1/openapi.json", auth: false });
    const create = res.json.paths["/v1/uploads"].post;
    expect(create.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/UploadRequest",
    });
    expect(create.responses["201"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Upload",
    });
    expect(res.json.components.schemas.UploadRequest.properties.content_type.enum).toContain("video/mp4");
    expect(res.json.paths["/v1/uploads/{id}/complete"].post.responses["200"]).toBeDefined();
  });
});

describe("upload rules", () => {
  it("makes local file names safe and maps extensions to media types", () => {
    expect(safeUploadName("/home/me/Mon Clip (final) é.MP4")).toBe("Mon-Clip-final-e.MP4");
    expect(safeUploadName("..hidden.wav")).toBe("hidden.wav");
    expect(safeUploadName(`${"a".repeat(300)}.png`)).toHaveLength(128);
    expect(safeUploadName(`${"a".repeat(300)}.png`).endsWith(".png")).toBe(true);
    expect(contentTypeForName("x.MP4")).toBe("video/mp4");
    expect(contentTypeForName("x.jpeg")).toBe("image/jpeg");
    expect(contentTypeForName("x.exe")).toBeUndefined();
  });

  it("keeps parts at 8 MiB until a file needs more than 1000 of them", () => {
    expect(uploadPartSize(100 * MIB)).toBe(8 * MIB);
    expect(uploadPartSize(8000 * MIB)).toBe(8 * MIB);
    expect(uploadPartSize(20_000 * MIB)).toBe(20 * MIB);
  });
});

describe("S3 presigned upload URLs", () => {
  const store = new S3ObjectStore({
    client: new S3Client({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestChecksumCalculation: "WHEN_REQUIRED",
    }),
    bucket: "videocraft-bucket",
  });

  it("signs the content type and length into a PUT URL, with no checksum the uploader would have to send", async () => {
    const url = new URL(
      await store.presignPut("uploads/X/a.wav", {
        contentType: "audio/wav",
        contentLength: 42,
        expiresSeconds: 900,
      }),
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  });

  it("signs each part's length into its UploadPart URL", async () => {
    const url = new URL(
      await store.presignUploadPart("uploads/X/a.mp4", "up-1", {
        partNumber: 3,
        contentLength: 8 * MIB,
        expiresSeconds: 3600,
      }),
    );
    expect(url.searchParams.get("partNumber")).toBe("3");
    expect(url.searchParams.get("uploadId")).toBe("up-1");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");
  });
});
