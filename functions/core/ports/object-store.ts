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
   * the emulator ignores that header, so the local adapter serialises these calls itself).
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
  /** A time-limited URL a client PUTs part `partNumber` (1-based, exactly `contentLength` bytes) to. */
  presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    contentLength: number,
    expiresSeconds: number,
  ): Promise<string>;
  /**
   * Joins the uploaded parts into the object. NotFoundError when the upload id is unknown (or
   * already completed or aborted), ValidationError when a part is missing, too small or its ETag wrong.
   */
  completeMultipartUpload(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void>;
  /** Lists keys and common prefixes (with `delimiter`) in ascending key order, following pages. */
  list(prefix: string, options?: { delimiter?: string }): Promise<{ keys: string[]; prefixes: string[] }>;
  /** Streams the object to a local file; throws ObjectTooLargeError past `maxBytes`. */
  downloadToFile(key: string, path: string, maxBytes: number): Promise<{ bytes: number }>;
  /**
   * Writes the object's first `maxBytes` bytes (a ranged GET) to a local file and tells the whole
   * object's size, so a dry run can probe an upload without downloading it. Throws as
   * `downloadToFile` does for a missing key. Optional: callers fall back to `downloadToFile`.
   */
  downloadHead?(key: string, path: string, maxBytes: number): Promise<{ bytes: number; totalBytes: number }>;
  /** Streams a local file up (multipart for large files). */
  uploadFile(key: string, path: string, contentType: string): Promise<{ bytes: number }>;
  /** A time-limited GET URL for the object. */
  presignGet(key: string, expiresSeconds: number, downloadName?: string): Promise<string>;
}

export class ObjectTooLargeError extends Error {
  override name = "ObjectTooLargeError";
}

export interface PresignedPutOptions {
  contentType: string;
  contentLength: number;
  expiresSeconds: number;
}

/** A part a client uploaded, as S3 answered it (the ETag header, quotes included). */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}
