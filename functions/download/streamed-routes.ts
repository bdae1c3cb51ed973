import type { RouteDefinition } from "../api/define-route.js";
import {
  videoCraftDownloadVideoRoute,
  videoCraftGetVideoRoute,
} from "../api/routes/videocraft/download-video.js";

/**
 * The routes whose answer is the video itself (VideoCraft's downloads). On AWS they run in the
 * download function, whose response API Gateway streams; every other route stays on the API
 * function's buffered integration, `/v1`'s 302 to a presigned URL included.
 */
export const STREAMED_DOWNLOAD_ROUTES: readonly RouteDefinition[] = [
  videoCraftGetVideoRoute,
  videoCraftDownloadVideoRoute,
];
