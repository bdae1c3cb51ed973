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
import { createTemplateRoute } from "./routes/templates/create-template.js";
import { createTemplateVideosRoute } from "./routes/templates/create-template-videos.js";
import { deleteTemplateRoute } from "./routes/templates/delete-template.js";
import { getTemplateRoute } from "./routes/templates/get-template.js";
import { listTemplatesRoute } from "./routes/templates/list-templates.js";
import { videoCraftCancelJobRoute, videoCraftDeleteJobRoute } from "./routes/videocraft/cancel-job.js";
import { videoCraftCreateVideoRoute } from "./routes/videocraft/create-video.js";
import { videoCraftCsrfTokenRoute } from "./routes/videocraft/csrf-token.js";
import { videoCraftDeleteVideoRoute } from "./routes/videocraft/delete-video.js";
import { videoCraftDownloadVideoRoute, videoCraftGetVideoRoute } from "./routes/videocraft/download-video.js";
import { videoCraftGetJobRoute } from "./routes/videocraft/get-job.js";
import { videoCraftListJobsRoute } from "./routes/videocraft/list-jobs.js";
import { videoCraftListVideosRoute } from "./routes/videocraft/list-videos.js";
import { videoCraftMetricsRoute } from "./routes/videocraft/metrics.js";
import {
  videoCraftDetailedHealthRoute,
  videoCraftHealthRoute,
  videoCraftLiveRoute,
  videoCraftReadyRoute,
} from "./routes/videocraft/probes.js";
import { videoCraftRootRoute } from "./routes/videocraft/root.js";

/**
 * Every route of the HTTP API: ours under /v1, VideoCraft's under /api/v1 and at the root.
 * Order matters only for `Allow` on a 405 (methods of one path are listed in this order).
 */
export const API_ROUTES: readonly RouteDefinition[] = [
  createVideosRoute,
  getVideoRoute,
  deleteVideoRoute,
  listJobsRoute,
  getJobRoute,
  cancelJobRoute,
  createTemplateRoute,
  listTemplatesRoute,
  getTemplateRoute,
  deleteTemplateRoute,
  createTemplateVideosRoute,
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
  videoCraftCreateVideoRoute,
  videoCraftListVideosRoute,
  videoCraftGetVideoRoute,
  videoCraftDeleteVideoRoute,
  videoCraftDownloadVideoRoute,
  videoCraftListJobsRoute,
  videoCraftGetJobRoute,
  videoCraftDeleteJobRoute,
  videoCraftCancelJobRoute,
  videoCraftCsrfTokenRoute,
  videoCraftHealthRoute,
  videoCraftDetailedHealthRoute,
  videoCraftReadyRoute,
  videoCraftLiveRoute,
  videoCraftMetricsRoute,
  videoCraftRootRoute(() => API_ROUTES),
];
