import type { ApiClient, JobView } from "../../local/api-client.js";

/**
 * Submits a request through the API, waits for its job to end, and downloads the video to `path`
 * when the job completed (a failed job leaves no file, for the test to assert on the job instead).
 */
export async function renderJobToFile(
  client: ApiClient,
  body: unknown,
  path: string,
  wait: Parameters<ApiClient["waitForJob"]>[1],
): Promise<JobView> {
  const { id } = await client.submit(body);
  const job = await client.waitForJob(id, wait);
  if (job.status === "completed") await client.downloadVideo(id, path);
  return job;
}
