import { ulid } from "ulid";
import { z } from "zod";
import type { Config } from "../config.js";
import { type IssueDetail, ValidationError } from "../errors.js";
import { presignedUntil } from "../jobs/get-video-link.js";
import { storageKeys } from "../jobs/storage-keys.js";
import type { Clock } from "../ports/clock.js";
import type { ObjectStore } from "../ports/object-store.js";
import { dateTimeField, urlField } from "../schema/response-formats.js";
import {
  isUploadContentType,
  MAX_FILE_NAME_LENGTH,
  PART_URL_SECONDS,
  SINGLE_PUT_MAX_BYTES,
  SINGLE_PUT_URL_SECONDS,
  UPLOAD_CONTENT_TYPE_LIST,
  UPLOAD_FILE_NAME,
  uploadPartSize,
} from "./upload-rules.js";
import { uploadToken } from "./upload-token.js";

export const uploadRequestSchema = z.strictObject({
  file_name: z
    .string()
    .min(1)
    .max(MAX_FILE_NAME_LENGTH)
    .regex(UPLOAD_FILE_NAME)
    .meta({
      description: "the object's name after uploads/<id>/: letters, digits, '.', '_', '-'",
      examples: ["narration.wav"],
    }),
  content_type: z.enum(UPLOAD_CONTENT_TYPE_LIST).meta({ description: "sent with the PUT, signed into it" }),
  size: z.number().int().min(1).meta({
    description: "bytes; at most the deployment's source size limit (VIDEOCRAFT_STORAGE_MAX_FILE_SIZE)",
  }),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

const commonFields = {
  id: z.string().meta({ description: "ULID; the folder of the upload under uploads/" }),
  source: z.string().meta({
    description: "the src to use in a request once the upload is done",
    examples: ["s3://videocraft-bucket/uploads/01JABCDEFGHJKMNPQRSTVWXYZ0/narration.wav"],
  }),
  size: z.number().int(),
  content_type: z.string(),
  expires_at: dateTimeField("when the upload URLs stop working"),
};

export const uploadSchema = z
  .discriminatedUnion("method", [
    z.object({
      ...commonFields,
      method: z.literal("single"),
      url: urlField("PUT the whole file here, with `headers`"),
      headers: z.record(z.string(), z.string()).meta({ description: "send exactly these with the PUT" }),
    }),
    z.object({
      ...commonFields,
      method: z.literal("multipart"),
      upload_id: z.string().meta({ description: "opaque; send it back to complete the upload" }),
      part_size: z.number().int().meta({ description: "bytes of every part but the last" }),
      parts: z.array(
        z.object({
          part_number: z.number().int().min(1),
          url: urlField("PUT this part's bytes here (no other headers needed)"),
          size: z.number().int().meta({ description: "exactly this many bytes" }),
        }),
      ),
      complete_path: z.string().meta({
        description:
          "POST {upload_id, parts:[{part_number, etag}]} here (with the key) once every part is up",
      }),
    }),
  ])
  .meta({ id: "Upload" });
export type Upload = z.infer<typeof uploadSchema>;

export interface UploadDeps {
  config: Config;
  store: ObjectStore;
  clock: Clock;
}

const GIB = 1024 ** 3;

/**
 * Presigned URLs for a file the client sends straight to the bucket, under `uploads/<id>/`, where
 * the lifecycle rule expires it. Up to {@link SINGLE_PUT_MAX_BYTES} one PUT; above, a multipart
 * upload whose part URLs are all handed out now (the client sends parts in any order, in
 * parallel) and which `completeUpload` joins. `basePath` prefixes the completion path (the stage).
 */
export async function createUpload(body: unknown, deps: UploadDeps, basePath = ""): Promise<Upload> {
  const request = parseUploadRequest(body, deps.config.maxSourceBytes);
  // Not monotonic: an upload id is all that names the file in a request, so each one draws its 80
  // random bits anew instead of counting on from the previous id made in the same millisecond.
  const id = ulid(deps.clock.now().getTime());
  const key = storageKeys.upload(id, request.file_name);
  const common = {
    id,
    source: `s3://${deps.config.bucket}/${key}`,
    size: request.size,
    content_type: request.content_type,
  };
  // The URLs are signed with the API's credentials and die with them, whatever lifetime they ask for.
  const credentialsEnd = await deps.store.signingExpiry?.();
  const expiresAt = (seconds: number) => presignedUntil(seconds, deps.clock.now(), credentialsEnd);
  if (request.size <= SINGLE_PUT_MAX_BYTES) {
    const url = await deps.store.presignPut(key, {
      contentType: request.content_type,
      contentLength: request.size,
      expiresSeconds: SINGLE_PUT_URL_SECONDS,
    });
    return {
      ...common,
      expires_at: expiresAt(SINGLE_PUT_URL_SECONDS),
      method: "single",
      url,
      headers: { "content-type": request.content_type },
    };
  }
  const partSize = uploadPartSize(request.size);
  const count = Math.ceil(request.size / partSize);
  const uploadId = await deps.store.startMultipartUpload(key, request.content_type);
  const parts = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const size = Math.min(partSize, request.size - i * partSize);
      const url = await deps.store.presignUploadPart(key, uploadId, {
        partNumber: i + 1,
        contentLength: size,
        expiresSeconds: PART_URL_SECONDS,
      });
      return { part_number: i + 1, url, size };
    }),
  );
  return {
    ...common,
    expires_at: expiresAt(PART_URL_SECONDS),
    method: "multipart",
    upload_id: uploadToken.encode({ fileName: request.file_name, uploadId }),
    part_size: partSize,
    parts,
    complete_path: `${basePath}/v1/uploads/${id}/complete`,
  };
}

/** The request, or a ValidationError naming each bad field. */
function parseUploadRequest(body: unknown, maxBytes: number): UploadRequest {
  const parsed = uploadRequestSchema.safeParse(body);
  const issues: IssueDetail[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(...describe(issue, body));
  } else if (parsed.data.size > maxBytes) {
    issues.push({
      path: "size",
      message: `the file is ${parsed.data.size} bytes; this deployment takes files up to ${maxBytes} bytes (${(maxBytes / GIB).toFixed(2)} GiB)`,
    });
  }
  if (!parsed.success || issues.length > 0) throw new ValidationError("invalid upload request", issues);
  return parsed.data;
}

function describe(issue: z.core.$ZodIssue, body: unknown): IssueDetail[] {
  const field = String(issue.path[0] ?? "");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: key, message: `unknown key '${key}'` }));
  }
  if (issue.path.length === 0) {
    return [{ path: "", message: "the body must be an object {file_name, content_type, size}" }];
  }
  const given = (body as Record<string, unknown>)[field];
  if (given === undefined) return [{ path: field, message: `${field} is required` }];
  const messages: Record<string, string> = {
    file_name: `file_name must be 1–${MAX_FILE_NAME_LENGTH} characters of A-Z a-z 0-9 . _ - and start with a letter or digit`,
    content_type: `content_type ${JSON.stringify(given)} is not a media type the renderer takes; use one of ${UPLOAD_CONTENT_TYPE_LIST.join(", ")}`,
    size: "size must be a whole number of bytes, at least 1",
  };
  if (field === "content_type" && typeof given === "string" && isUploadContentType(given.toLowerCase())) {
    return [{ path: field, message: `content_type must be lower case: ${given.toLowerCase()}` }];
  }
  return [{ path: field, message: messages[field] ?? issue.message }];
}
