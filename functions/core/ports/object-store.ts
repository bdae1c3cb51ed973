import type { Readable } from "node:stream";

/**
 * The one storage operation set the core needs. AWS S3 implements it on AWS and against the
 * embedded emulator; an in-memory implementation serves fast unit tests of the job lifecycle.
 */
export interface ObjectStore {
  /** The object's text, or undefined when it does not exist. */
  getText(key: string): Promise<string | undefined>;
  putText(key: string, body: string, contentType?: string): Promise<void>;
  /**
   * Writes only when no object exists at `key`; true when this call created it.
   * Must be atomic across concurrent callers of the same deployment (S3 `If-None-Match: *`;
   * fauxqs ignores that header, so local mode's emulator server enforces it: local/emulator-server.ts).
   */
  putIfAbsent(key: string, body: string, contentType?: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** The object's size in bytes, or undefined when it does not exist. */
  sizeOf(key: string): Promise<number | undefined>;
  /**
   * A time-limited URL a client PUTs one whole object to. The content type and length are signed
   * into it, so S3 refuses a different type or a single byte more.
   */
  presignPut(key: string, upload: PresignedPutOptions): Promise<string>;
  /** Starts a multipart upload of `key`; its upload id. */
  startMultipartUpload(key: string, contentType: string): Promise<string>;
  /** A time-limited URL a client PUTs one part of a multipart upload to. */
  presignUploadPart(key: string, uploadId: string, part: PresignedPartOptions): Promise<string>;
  /**
   * Joins the uploaded parts into the object. NotFoundError when the upload id is unknown (or
   * already completed or aborted), ValidationError when a part is missing, too small or its ETag wrong.
   */
  completeMultipartUpload(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void>;
  /** Lists keys and common prefixes (with `delimiter`) in ascending key order, following pages. */
  list(prefix: string, options?: { delimiter?: string }): Promise<{ keys: string[]; prefixes: string[] }>;
  /**
   * Streams the object to a local file; throws ObjectTooLargeError past `maxBytes`. Aborting
   * `signal` stops the transfer (a cancelled job, a passed deadline) and leaves no file behind;
   * `onBytes` sees each chunk's size as it arrives, and throwing from it stops the transfer too.
   */
  downloadToFile(
    key: string,
    path: string,
    maxBytes: number,
    options?: DownloadOptions,
  ): Promise<{ bytes: number }>;
  /**
   * Writes the object's first `maxBytes` bytes (a ranged GET) to a local file and tells the whole
   * object's size, so a dry run can probe an upload without downloading it. Throws as
   * `downloadToFile` does for a missing key. Optional: callers fall back to `downloadToFile`.
   */
  downloadHead?(key: string, path: string, maxBytes: number): Promise<{ bytes: number; totalBytes: number }>;
  /** Streams a local file up (multipart for large files). */
  uploadFile(key: string, path: string, contentType: string): Promise<{ bytes: number }>;
  /**
   * The object's bytes as a stream, with its size, or undefined when it does not exist; for an
   * API that answers with the bytes itself. Optional: without it the API redirects instead.
   */
  openRead?(key: string): Promise<{ body: Readable; bytes: number } | undefined>;
  /** A time-limited GET URL for the object. */
  presignGet(key: string, expiresSeconds: number, downloadName?: string): Promise<string>;
  /**
   * When the credentials that sign URLs stop working, if they are temporary (a Lambda role's
   * session): a presigned URL dies with them, whatever lifetime it was signed for. Undefined for
   * long-lived keys. Optional: a store without it signs with credentials that do not expire.
   */
  signingExpiry?(): Promise<Date | undefined>;
}

export interface DownloadOptions {
  signal?: AbortSignal | undefined;
  onBytes?: ((bytes: number) => void) | undefined;
}

export class ObjectTooLargeError extends Error {
  override name = "ObjectTooLargeError";
}

export interface PresignedPutOptions {
  contentType: string;
  contentLength: number;
  expiresSeconds: number;
}

export interface PresignedPartOptions {
  /** 1-based, as S3 numbers parts. */
  partNumber: number;
  /** The part's exact size, signed into the URL. */
  contentLength: number;
  expiresSeconds: number;
}

/** A part a client uploaded, as S3 answered it (the ETag header, quotes included). */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}
