/**
 * What an upload may be and how it travels. No imports: the CLI and the studio page (a browser
 * bundle) use the same rules as the API that enforces them.
 */

/**
 * Media types the renderer reads (ffmpeg decodes each; the worker probes the bytes anyway, so a
 * type only decides what a presigned URL lets through), by the file-name extensions clients map
 * from.
 */
export const UPLOAD_CONTENT_TYPES = {
  "video/mp4": ["mp4", "m4v"],
  "video/quicktime": ["mov"],
  "video/webm": ["webm"],
  "video/x-matroska": ["mkv"],
  "audio/mpeg": ["mp3"],
  "audio/mp4": ["m4a"],
  "audio/aac": ["aac"],
  "audio/wav": ["wav"],
  // Other names browsers and systems report for WAV files.
  "audio/x-wav": [],
  "audio/wave": [],
  "audio/ogg": ["ogg", "oga", "opus"],
  "audio/flac": ["flac"],
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg"],
  "image/webp": ["webp"],
  "image/gif": ["gif"],
} as const satisfies Record<string, readonly string[]>;
export type UploadContentType = keyof typeof UPLOAD_CONTENT_TYPES;
export const UPLOAD_CONTENT_TYPE_LIST = Object.keys(UPLOAD_CONTENT_TYPES) as UploadContentType[];

export const isUploadContentType = (type: string): type is UploadContentType =>
  Object.hasOwn(UPLOAD_CONTENT_TYPES, type);

/** The media type for a file name's extension, or undefined when the renderer takes no such file. */
export function contentTypeForName(name: string): UploadContentType | undefined {
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  return UPLOAD_CONTENT_TYPE_LIST.find((t) => (UPLOAD_CONTENT_TYPES[t] as readonly string[]).includes(ext));
}

export const MAX_FILE_NAME_LENGTH = 128;
/**
 * Names that need no escaping in a key, a URL or a shell, and that no S3 tool reads as a folder
 * or a relative path.
 */
export const UPLOAD_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A local file's name made acceptable: accents dropped, every other run of characters outside
 * `A-Za-z0-9._-` turned into one `-`, shortened keeping the extension. The API refuses unsafe
 * names rather than rewriting them; clients (CLI, studio) call this first.
 */
export function safeUploadName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const ascii = base.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  let safe = ascii.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  if (safe.length > MAX_FILE_NAME_LENGTH) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(safe)?.[0] ?? "";
    safe = safe.slice(0, MAX_FILE_NAME_LENGTH - ext.length) + ext;
  }
  return safe || "upload";
}

/**
 * Files up to this size go up in one PUT; larger ones in parts of at least this size. One
 * threshold everywhere, so the path used on AWS is the one local runs test: the embedded
 * emulator refuses a single PUT over ~11 MiB, and S3 needs parts of at least 5 MiB.
 */
export const SINGLE_PUT_MAX_BYTES = 8 * 1024 * 1024;
/**
 * At most this many parts (S3 allows 10 000): each part URL is ~1.5 kB of the answer, which must
 * stay far below Lambda's 6 MB response limit. Parts grow beyond 8 MiB only past ~8 GB.
 */
export const MAX_UPLOAD_PARTS = 1000;
const MIB = 1024 * 1024;

/** The part size for a multipart upload of `size` bytes: a whole number of MiB. */
export function uploadPartSize(size: number): number {
  return Math.max(SINGLE_PUT_MAX_BYTES, Math.ceil(size / MAX_UPLOAD_PARTS / MIB) * MIB);
}

/** How long upload URLs work: short, but long enough to send the file at ~1 MB/s. */
export const SINGLE_PUT_URL_SECONDS = 15 * 60;
export const PART_URL_SECONDS = 60 * 60;
