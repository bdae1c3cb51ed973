import { createUpload, uploadRequestSchema, uploadSchema } from "../../core/uploads/create-upload.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { jsonRequestBody } from "../json-request-body.js";

/** 201: the upload's folder exists from now on, as far as the client is concerned. */
export const createUploadRoute = defineRoute({
  method: "POST",
  path: "/v1/uploads",
  json: true,
  doc: {
    tag: "uploads",
    summary: "Presigned URLs to send a source file straight to the bucket, and the s3:// src to use",
    description:
      "Files up to 8 MiB: PUT the file to `url` with `headers`. Larger: PUT each part's bytes to its " +
      "`parts[].url`, keep each answer's ETag header, then POST them to `complete_path`. Content type " +
      "and length are signed into the URLs. Uploads expire with the bucket's uploads/ lifecycle rule.",
    requestBody: jsonRequestBody("UploadRequest", uploadRequestSchema),
    responses: { 201: { description: "where to send the file", body: uploadSchema } },
    errors: {
      400: "VALIDATION_FAILED: a bad file name, a media type the renderer does not take, or too large (details[].path)",
      413: "body over 1 MiB",
    },
  },
  handle: async (req, deps) =>
    json(201, await createUpload(req.body?.json, deps, req.basePath), { "cache-control": "no-store" }),
});
