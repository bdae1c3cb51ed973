/// <reference lib="dom" />
import type { CompletedUpload } from "../../../core/uploads/complete-upload.js";
import type { Upload } from "../../../core/uploads/create-upload.js";
import { contentTypeForName, safeUploadName } from "../../../core/uploads/upload-rules.js";
import { errorText, type StudioApi } from "./studio-api.js";

const PARTS_IN_FLIGHT = 3;

/**
 * A picked file sent the way `videocraft upload` sends one: the API hands out presigned URLs, the
 * bytes go straight to the bucket (one PUT, or parts and a completion). Resolves to the upload.
 */
export async function uploadFromBrowser(
  api: StudioApi,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<CompletedUpload> {
  const fileName = safeUploadName(file.name);
  const created = await api.call("POST", "/v1/uploads", {
    file_name: fileName,
    content_type: file.type || contentTypeForName(fileName) || "application/octet-stream",
    size: file.size,
  });
  if (created.status !== 201) throw new Error(errorText(created));
  const upload = created.body as Upload;
  if (upload.method === "single") {
    await put(upload.url, file, upload.headers);
    onProgress(file.size, file.size);
    return { id: upload.id, source: upload.source, size: file.size };
  }
  const queue = [...upload.parts];
  const etags: { part_number: number; etag: string }[] = [];
  let sent = 0;
  const worker = async () => {
    for (let part = queue.shift(); part; part = queue.shift()) {
      const start = (part.part_number - 1) * upload.part_size;
      const etag = await put(part.url, file.slice(start, start + part.size), {});
      etags.push({ part_number: part.part_number, etag });
      sent += part.size;
      onProgress(sent, file.size);
    }
  };
  await Promise.all(Array.from({ length: PARTS_IN_FLIGHT }, worker));
  const done = await api.call("POST", upload.complete_path.replace(/^.*?(\/v1\/)/, "$1"), {
    upload_id: upload.upload_id,
    parts: etags,
  });
  if (done.status !== 200) throw new Error(errorText(done));
  return done.body as CompletedUpload;
}

async function put(url: string, body: Blob, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { method: "PUT", body, headers });
  if (!res.ok) throw new Error(`the storage refused the upload (HTTP ${res.status})`);
  const etag = res.headers.get("etag");
  if (!etag) throw new Error("the storage answered without an ETag (is its CORS rule exposing it?)");
  return etag;
}
