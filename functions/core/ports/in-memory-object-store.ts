import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { NotFoundError, ValidationError } from "../errors.js";
import {
  type DownloadOptions,
  type ObjectStore,
  ObjectTooLargeError,
  type PresignedPartOptions,
  type PresignedPutOptions,
  type UploadedPart,
} from "./object-store.js";

/** ObjectStore kept in a Map, for unit tests of the job lifecycle (no emulator, no network). */
export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  /** Multipart uploads in progress by upload id; parts arrive through `putPart`. */
  readonly multipart = new Map<string, { key: string; contentType: string; parts: Map<number, Buffer> }>();

  async getText(key: string) {
    return this.objects.get(key)?.body.toString("utf8");
  }
  async putText(key: string, body: string, contentType = "text/plain") {
    this.objects.set(key, { body: Buffer.from(body), contentType });
  }
  async putIfAbsent(key: string, body: string, contentType = "text/plain") {
    if (this.objects.has(key)) return false;
    this.objects.set(key, { body: Buffer.from(body), contentType });
    return true;
  }
  async exists(key: string) {
    return this.objects.has(key);
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
  async sizeOf(key: string) {
    return this.objects.get(key)?.body.length;
  }
  async presignPut(key: string, o: PresignedPutOptions) {
    const query = new URLSearchParams({
      type: o.contentType,
      length: String(o.contentLength),
      expires: String(o.expiresSeconds),
    });
    return `memory://objects/${key}?${query}`;
  }
  async startMultipartUpload(key: string, contentType: string) {
    const uploadId = `upload-${this.multipart.size + 1}`;
    this.multipart.set(uploadId, { key, contentType, parts: new Map() });
    return uploadId;
  }
  async presignUploadPart(key: string, uploadId: string, part: PresignedPartOptions) {
    const query = new URLSearchParams({
      uploadId,
      partNumber: String(part.partNumber),
      length: String(part.contentLength),
      expires: String(part.expiresSeconds),
    });
    return `memory://objects/${key}?${query}`;
  }
  async completeMultipartUpload(key: string, uploadId: string, parts: readonly UploadedPart[]) {
    const upload = this.multipart.get(uploadId);
    if (!upload || upload.key !== key) throw new NotFoundError(`no multipart upload ${uploadId}`);
    const bodies = parts.map((p) => {
      const body = upload.parts.get(p.partNumber);
      if (!body || etagOf(body) !== p.etag) {
        throw new ValidationError("the parts do not match the upload", [
          { path: "parts", message: `InvalidPart: part ${p.partNumber}` },
        ]);
      }
      return body;
    });
    this.objects.set(key, { body: Buffer.concat(bodies), contentType: upload.contentType });
    this.multipart.delete(uploadId);
  }
  /** Test helper: what a client's PUT to a part URL does; answers the part's ETag. */
  putPart(uploadId: string, partNumber: number, body: Buffer): string {
    const upload = this.multipart.get(uploadId);
    if (!upload) throw new Error(`no multipart upload ${uploadId}`);
    upload.parts.set(partNumber, body);
    return etagOf(body);
  }
  async list(prefix: string, options: { delimiter?: string } = {}) {
    const keys: string[] = [];
    const prefixes = new Set<string>();
    for (const key of [...this.objects.keys()].sort()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const cut = options.delimiter ? rest.indexOf(options.delimiter) : -1;
      if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + 1));
      else keys.push(key);
    }
    return { keys, prefixes: [...prefixes] };
  }
  async downloadToFile(key: string, path: string, maxBytes: number, options: DownloadOptions = {}) {
    options.signal?.throwIfAborted();
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object ${key}`);
    if (o.body.length > maxBytes) throw new ObjectTooLargeError(`${key} is larger than ${maxBytes} bytes`);
    options.onBytes?.(o.body.length);
    await writeFile(path, o.body);
    return { bytes: o.body.length };
  }
  async downloadHead(key: string, path: string, maxBytes: number) {
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object ${key}`);
    const head = o.body.subarray(0, maxBytes);
    await writeFile(path, head);
    return { bytes: head.length, totalBytes: o.body.length };
  }
  async uploadFile(key: string, path: string, contentType: string) {
    const body = await readFile(path);
    this.objects.set(key, { body, contentType });
    return { bytes: (await stat(path)).size };
  }
  async openRead(key: string) {
    const o = this.objects.get(key);
    return o ? { body: Readable.from([o.body]), bytes: o.body.length } : undefined;
  }
  async presignGet(key: string, expiresSeconds: number) {
    return `memory://objects/${key}?expires=${expiresSeconds}`;
  }
  /** Test helper: copies an object out to a file. */
  async copyOut(key: string, path: string) {
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object ${key}`);
    await writeFile(path, o.body);
  }
}

/** S3's ETag of a part: the quoted MD5 of its bytes. */
const etagOf = (body: Buffer) => `"${createHash("md5").update(body).digest("hex")}"`;
