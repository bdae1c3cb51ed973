import {
  completedUploadSchema,
  completeUpload,
  uploadCompletionSchema,
} from "../../core/uploads/complete-upload.js";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";
import { jsonRequestBody } from "../json-request-body.js";

export const completeUploadRoute = defineRoute({
  method: "POST",
  path: "/v1/uploads/{id}/complete",
  json: true,
  doc: {
    tag: "uploads",
    summary: "Join the parts of a multipart upload into the file",
    pathParams: { id: "the upload's id" },
    requestBody: jsonRequestBody("UploadCompletion", uploadCompletionSchema),
    responses: { 200: { description: "the file is stored", body: completedUploadSchema } },
    errors: {
      400: "VALIDATION_FAILED: upload_id not handed out here, a part missing or its ETag wrong, or the file too large",
      404: "no such upload in progress (already completed, aborted or expired)",
    },
  },
  handle: async (req, deps) => json(200, await completeUpload(req.params.id ?? "", req.body?.json, deps)),
});
