import { createReadStream, createWriteStream } from "node:fs";
import { open, stat, unlink, writeFile } from "node:fs/promises";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { NotFoundError, ValidationError } from "../core/errors.js";
import {
  type DownloadOptions,
  type ObjectStore,
  ObjectTooLargeError,
  type PresignedPartOptions,
  type PresignedPutOptions,
  type UploadedPart,
} from "../core/ports/object-store.js";

/** Large enough that a 2 GiB render is ~256 parts (S3 allows 10 000), small enough to keep memory flat. */
const PART_SIZE = 8 * 1024 * 1024;
const PART_QUEUE = 4;
/**
 * Headers signed into presigned upload URLs besides `host`: S3 then refuses a body of another
 * length or type. The presigner leaves content-type unsigned unless told; a part has no type of
 * its own (the upload's was set when it started), so its URL binds the length alone.
 */
const SIGNED_PUT_HEADERS = new Set(["content-type", "content-length"]);
const SIGNED_PART_HEADERS = new Set(["content-length"]);
/** S3's answers to a CompleteMultipartUpload whose part list does not match what was uploaded. */
const BAD_PART_LIST = new Set(["InvalidPart", "InvalidPartOrder", "EntityTooSmall"]);

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
}

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(opts: S3ObjectStoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await out.Body?.transformToString("utf-8")) ?? "";
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async putText(key: string, body: string, contentType = "application/json"): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async putIfAbsent(key: string, body: string, contentType = "application/json"): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfNoneMatch: "*",
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.sizeOf(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async sizeOf(key: string): Promise<number | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.ContentLength ?? 0;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async presignPut(key: string, upload: PresignedPutOptions): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: upload.contentType,
      ContentLength: upload.contentLength,
    });
    return getSignedUrl(this.client, command, {
      expiresIn: Math.floor(upload.expiresSeconds),
      signableHeaders: SIGNED_PUT_HEADERS,
    });
  }

  async startMultipartUpload(key: string, contentType: string): Promise<string> {
    const out = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!out.UploadId) throw new Error(`no upload id for ${key}`);
    return out.UploadId;
  }

  async presignUploadPart(key: string, uploadId: string, part: PresignedPartOptions): Promise<string> {
    const command = new UploadPartCommand({
      Bucket: this.bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: part.partNumber,
      ContentLength: part.contentLength,
    });
    return getSignedUrl(this.client, command, {
      expiresIn: Math.floor(part.expiresSeconds),
      signableHeaders: SIGNED_PART_HEADERS,
    });
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly UploadedPart[],
  ): Promise<void> {
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (err) {
      const name = (err as AwsErrorShape)?.name ?? "";
      if (name === "NoSuchUpload")
        throw new NotFoundError("no such multipart upload (completed, aborted or never started)");
      if (BAD_PART_LIST.has(name)) {
        throw new ValidationError("the parts do not match the upload", [
          { path: "parts", message: `${name}: ${(err as Error).message}` },
        ]);
      }
      throw err;
    }
  }

  async list(
    prefix: string,
    options: { delimiter?: string } = {},
  ): Promise<{ keys: string[]; prefixes: string[] }> {
    // Sets, because the emulator pages in locale order but resumes by byte order, so an entry can
    // come back on two pages; sorting here gives callers S3's byte order whichever server answered.
    const keys = new Set<string>();
    const prefixes = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: options.delimiter,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.add(o.Key);
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.add(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { keys: [...keys].sort(byteOrder), prefixes: [...prefixes].sort(byteOrder) };
  }

  async openRead(key: string): Promise<{ body: Readable; bytes: number } | undefined> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    // In Node the SDK hands back the response socket stream itself.
    const body = out.Body as Readable | undefined;
    if (!body || out.ContentLength === undefined) {
      body?.destroy();
      throw new Error(`object ${key} came without a body or a length`);
    }
    return { body, bytes: out.ContentLength };
  }

  async downloadToFile(
    key: string,
    path: string,
    maxBytes: number,
    options: DownloadOptions = {},
  ): Promise<{ bytes: number }> {
    const abort = new AbortController();
    const stop = options.signal ? AbortSignal.any([abort.signal, options.signal]) : abort.signal;
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: stop,
      });
    } catch (err) {
      if (isNotFound(err)) throw noSuchKey(key);
      throw err;
    }
    const tooLarge = () => new ObjectTooLargeError(`object ${key} is larger than ${maxBytes} bytes`);
    // In Node the SDK hands back the response socket stream itself.
    const body = out.Body as Readable | undefined;
    if (out.ContentLength !== undefined && out.ContentLength > maxBytes) {
      abort.abort();
      body?.destroy();
      throw tooLarge();
    }
    if (!body) throw new Error(`object ${key} has no body`);
    let bytes = 0;
    // Content-Length can be absent or wrong (chunked responses), so the cap is enforced on the bytes too.
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          abort.abort();
          done(tooLarge());
          return;
        }
        try {
          options.onBytes?.(chunk.length);
        } catch (e) {
          abort.abort();
          done(e as Error);
          return;
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, cap, createWriteStream(path), { signal: stop });
    } catch (err) {
      await unlink(path).catch(() => {});
      if (err instanceof ObjectTooLargeError) throw err;
      if (bytes > maxBytes) throw tooLarge();
      throw err;
    }
    return { bytes };
  }

  async downloadHead(
    key: string,
    path: string,
    maxBytes: number,
  ): Promise<{ bytes: number; totalBytes: number }> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: `bytes=0-${Math.max(1, maxBytes) - 1}`,
        }),
      );
    } catch (err) {
      // An empty object has no byte 0: S3 answers 416 InvalidRange.
      if ((err as { name?: string }).name === "InvalidRange") {
        await writeFile(path, "");
        return { bytes: 0, totalBytes: 0 };
      }
      if (isNotFound(err)) throw noSuchKey(key);
      throw err;
    }
    const body = out.Body as Readable | undefined;
    if (!body) throw new Error(`object ${key} has no body`);
    let bytes = 0;
    const file = await open(path, "w");
    try {
      // A store that ignores Range sends the whole object: keep the head only.
      for await (const chunk of body as AsyncIterable<Buffer>) {
        const part = chunk.subarray(0, Math.max(0, maxBytes - bytes));
        await file.write(part);
        bytes += part.length;
        if (bytes >= maxBytes) break;
      }
    } finally {
      body.destroy();
      await file.close();
    }
    const total = /\/(\d+)\s*$/.exec(out.ContentRange ?? "")?.[1];
    return { bytes, totalBytes: total !== undefined ? Number(total) : (out.ContentLength ?? bytes) };
  }

  async uploadFile(key: string, path: string, contentType: string): Promise<{ bytes: number }> {
    const { size } = await stat(path);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: createReadStream(path), ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: PART_QUEUE,
      // A failed render must not leave invisible part storage behind (the lifecycle rule is the backstop).
      leavePartsOnError: false,
    });
    await upload.done();
    return { bytes: size };
  }

  async presignGet(key: string, expiresSeconds: number, downloadName?: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: downloadName ? attachment(downloadName) : undefined,
    });
    return getSignedUrl(this.client, command, { expiresIn: Math.floor(expiresSeconds) });
  }

  async signingExpiry(): Promise<Date | undefined> {
    // The same memoised provider getSignedUrl signs with; it refreshes a session before it expires.
    return (await this.client.config.credentials()).expiration;
  }
}

interface AwsErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(err: unknown): boolean {
  const e = err as AwsErrorShape;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

function isConditionFailure(err: unknown): boolean {
  const e = err as AwsErrorShape;
  const status = e?.$metadata?.httpStatusCode;
  return (
    status === 412 ||
    status === 409 ||
    e?.name === "PreconditionFailed" ||
    e?.name === "ConditionalRequestConflict"
  );
}

function noSuchKey(key: string): Error {
  const err = new Error(`no object at ${key}`);
  err.name = "NoSuchKey";
  return err;
}

/** S3 compares keys as UTF-8 bytes; JS's default sort compares UTF-16 units, which differs above U+D7FF. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** RFC 6266: an ASCII fallback for old clients plus the exact UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
