import { listVideoCraftVideos, videoCraftVideoListSchema } from "../../../core/jobs/list-videocraft-jobs.js";
import { callerOf } from "../../api-request.js";
import { json } from "../../http-response.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

export const videoCraftListVideosRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/api/v1/videos",
  doc: {
    summary: "The caller's finished videos, newest first, with offset pagination (VideoCraft)",
    parameters: [
      { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
      { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
      {
        name: "status",
        in: "query",
        schema: { type: "string" },
        description: "videos exist for completed jobs only",
      },
      { name: "created_after", in: "query", schema: { type: "string", format: "date-time" } },
      { name: "created_before", in: "query", schema: { type: "string", format: "date-time" } },
    ],
    responses: { 200: { description: "a page of videos", body: videoCraftVideoListSchema } },
    errors: { 400: "VALIDATION_ERROR: invalid query parameters" },
  },
  handle: async (req, deps) =>
    json(
      200,
      await listVideoCraftVideos(
        callerOf(req).principal,
        { store: deps.store, basePath: req.basePath },
        req.query,
      ),
    ),
});
