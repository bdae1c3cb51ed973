import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { CompletedUpload } from "../functions/core/uploads/complete-upload.js";
import type { Upload } from "../functions/core/uploads/create-upload.js";
import { contentTypeForName, safeUploadName } from "../functions/core/uploads/upload-rules.js";
import { mapConcurrent } from "../functions/render/pipeline/map-concurrent.js";
import { type ApiClient, ApiRequestError } from "./api-client.js";

/** Parts in flight at once: enough to fill a link, few enough to keep memory at ~4 parts. */
const PARTS_IN_FLIGHT = 4;

export interface UploadOptions {
  /** The media type; by default from the file name's extension. */
  contentType?: string;
  /** Told after each part (or the whole file) is up. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/**
 * Sends a local file to the API's bucket through `POST /v1/uploads` and its presigned URLs (one
 * PUT, or parts and a completion), and answers the `s3://` source to use in a request. The name
 * is made safe first; the API refuses what it cannot take (type, size) before any byte is sent.
 */
export async function uploadLocalFile(
  client: ApiClient,
  path: string,
  o: UploadOptions = {},
): Promise<CompletedUpload> {
  const { size } = await stat(path);
  const fileName = safeUploadName(basename(path));
  const contentType = o.contentType ?? contentTypeForName(fileName) ?? "application/octet-stream";
  const created = await client.request("POST", "/v1/uploads", {
    file_name: fileName,
    content_type: contentType,
    size,
  });
  if (created.status !== 201) throw new ApiRequestError(created.status, created.body);
  const upload = created.body as Upload;
  const file = await open(path, "r");
  try {
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new Error(`${path} changed while it was being uploaded`);
      return buffer;
    };
    if (upload.method === "single") {
      await put(upload.url, await read(0, size), upload.headers);
      o.onProgress?.(size, size);
      return { id: upload.id, source: upload.source, size };
    }
    let sent = 0;
    const parts = await mapConcurrent(upload.parts, PARTS_IN_FLIGHT, async (part) => {
      const etag = await put(part.url, await read((part.part_number - 1) * upload.part_size, part.size), {});
      sent += part.size;
      o.onProgress?.(sent, size);
      return { part_number: part.part_number, etag };
    });
    const done = await client.request("POST", upload.complete_path, { upload_id: upload.upload_id, parts });
    if (done.status !== 200) throw new ApiRequestError(done.status, done.body);
    return done.body as CompletedUpload;
  } finally {
    await file.close();
  }
}

/** PUTs bytes to a presigned URL; the ETag the store answered. */
async function put(url: string, body: Buffer, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { method: "PUT", body: new Uint8Array(body), headers });
  if (!res.ok) {
    // The URL is a credential: only its status goes into the message.
    throw new Error(
      `the storage refused the upload with HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`,
    );
  }
  const etag = res.headers.get("etag");
  if (!etag) throw new Error("the storage answered the upload without an ETag");
  return etag;
}
