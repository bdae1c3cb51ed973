/**
 * The bucket's layout (SPEC §5). Job ids are ULIDs (Crockford base32, upper case), so keys under
 * `jobs/` sort the same in byte order and in the emulator's locale collation.
 */
export const storageKeys = {
  request: (id: string) => `jobs/${id}/request.json`,
  status: (id: string) => `jobs/${id}/status.json`,
  cancel: (id: string) => `jobs/${id}/cancel`,
  idempotency: (hash: string) => `jobs/idempotency/${hash}`,
  video: (id: string) => `videos/${id}.mp4`,
  poster: (id: string) => `videos/${id}.jpg`,
  jobsPrefix: "jobs/",
} as const;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const isJobId = (id: string): boolean => ULID.test(id);
