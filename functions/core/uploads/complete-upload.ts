import { z } from "zod";
import { type IssueDetail, NotFoundError, ValidationError } from "../errors.js";
import { storageKeys } from "../jobs/storage-keys.js";
import { formatPath } from "../schema/format-path.js";
import type { UploadDeps } from "./create-upload.js";
import { UPLOAD_FILE_NAME } from "./upload-rules.js";
import { uploadToken } from "./upload-token.js";

const S3_MAX_PARTS = 10_000;

export const uploadCompletionSchema = z.strictObject({
  upload_id: z.string().min(1).max(4096).meta({ description: "as the upload's answer gave it" }),
  parts: z
    .array(
      z.strictObject({
        part_number: z.number().int().min(1).max(S3_MAX_PARTS),
        etag: z
          .string()
          .min(1)
          .max(256)
          .meta({ description: "the ETag header S3 answered the part's PUT with" }),
      }),
    )
    .min(1)
    .max(S3_MAX_PARTS),
});

export const completedUploadSchema = z
  .object({
    id: z.string(),
    source: z.string().meta({ description: "the src to use in a request" }),
    size: z.number().int().meta({ description: "bytes stored" }),
  })
  .meta({ id: "CompletedUpload" });
export type CompletedUpload = z.infer<typeof completedUploadSchema>;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Joins a multipart upload's parts into `uploads/<id>/<file name>`. A file that ends up larger
 * than the deployment takes is deleted and refused. S3 (and the embedded emulator) enforce each
 * part's signed length, so only parts written with credentials rather than through the handed-out
 * URLs can get there; the limit is the API's promise, so it checks what was stored all the same.
 */
export async function completeUpload(
  rawId: string,
  body: unknown,
  deps: UploadDeps,
): Promise<CompletedUpload> {
  const id = rawId.toUpperCase();
  if (!ULID.test(id)) throw new NotFoundError(`no upload ${JSON.stringify(rawId.slice(0, 64))}`);
  const parsed = uploadCompletionSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      "invalid upload completion",
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const token = uploadToken.decode(parsed.data.upload_id);
  if (!token || !UPLOAD_FILE_NAME.test(token.fileName)) {
    throw new ValidationError("invalid upload completion", [
      { path: "upload_id", message: "upload_id is not one this API handed out" },
    ]);
  }
  const numbers = parsed.data.parts.map((p) => p.part_number);
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new ValidationError("invalid upload completion", [
      { path: "parts", message: `part ${repeated} is listed twice` },
    ]);
  }
  const key = storageKeys.upload(id, token.fileName);
  const parts = parsed.data.parts
    .map((p) => ({ partNumber: p.part_number, etag: p.etag }))
    .sort((a, b) => a.partNumber - b.partNumber);
  await deps.store.completeMultipartUpload(key, token.uploadId, parts);
  const size = await deps.store.sizeOf(key);
  if (size === undefined) throw new Error(`completed upload ${key} is missing`);
  if (size > deps.config.maxSourceBytes) {
    await deps.store.delete(key);
    const issue: IssueDetail = {
      path: "parts",
      message: `the parts add up to ${size} bytes, over this deployment's limit of ${deps.config.maxSourceBytes}; the file was deleted`,
    };
    throw new ValidationError("upload too large", [issue]);
  }
  return { id, source: `s3://${deps.config.bucket}/${key}`, size };
}
