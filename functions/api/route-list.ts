import type { RouteDefinition } from "./define-route.js";
import { cancelJobRoute } from "./routes/cancel-job.js";
import { completeUploadRoute } from "./routes/complete-upload.js";
import { createUploadRoute } from "./routes/create-upload.js";
import { createVideosRoute } from "./routes/create-videos.js";
import { deleteVideoRoute } from "./routes/delete-video.js";
import { getJobRoute } from "./routes/get-job.js";
import { getJobRequestRoute } from "./routes/get-job-request.js";
import { getVideoRoute } from "./routes/get-video.js";
import { getVideoPosterRoute } from "./routes/get-video-poster.js";
import { healthRoute } from "./routes/health.js";
import { listExamplesRoute } from "./routes/list-examples.js";
import { listJobsRoute } from "./routes/list-jobs.js";
import { metricsRoute } from "./routes/metrics.js";
import { openApiRoute } from "./routes/openapi.js";
import { schemaRoute } from "./routes/schema.js";
import { studioAssetRoute, studioPageRoute } from "./routes/studio-page.js";

/**
 * Every route of the HTTP API. Order matters only for `Allow` on a 405 (methods of one path are
 * listed in this order).
 */
export const API_ROUTES: readonly RouteDefinition[] = [
  createVideosRoute,
  getVideoRoute,
  deleteVideoRoute,
  listJobsRoute,
  getJobRoute,
  cancelJobRoute,
  healthRoute,
  schemaRoute,
  metricsRoute,
  createUploadRoute,
  completeUploadRoute,
  getJobRequestRoute,
  getVideoPosterRoute,
  listExamplesRoute,
  studioPageRoute,
  studioAssetRoute,
  openApiRoute(() => API_ROUTES),
];
