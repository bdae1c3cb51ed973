/**
 * The bucket's layout (docs/architecture.md describes each prefix). Job ids are ULIDs (Crockford base32,
 * upper case), so keys under `jobs/` sort the same in byte order and in the emulator's locale collation.
 */
export const storageKeys = {
  request: (id: string) => `jobs/${id}/request.json`,
  status: (id: string) => `jobs/${id}/status.json`,
  cancel: (id: string) => `jobs/${id}/cancel`,
  idempotency: (hash: string) => `jobs/idempotency/${hash}`,
  /**
   * One empty object per job under its owner's digest, so a caller's jobs are listed without
   * reading anyone else's; under `jobs/`, it expires with the job.
   */
  ownedJob: (ownerDigest: string, id: string) => `jobs/owners/${ownerDigest}/${id}`,
  ownedJobsPrefix: (ownerDigest: string) => `jobs/owners/${ownerDigest}/`,
  video: (id: string) => `videos/${id}.mp4`,
  poster: (id: string) => `videos/${id}.jpg`,
  /** The short animated preview a project may ask for (`output.gif_preview`). */
  gifPreview: (id: string) => `videos/${id}.gif`,
  jobsPrefix: "jobs/",
  /**
   * Stored templates, one object each under their owner's digest (so a caller lists only its own).
   * No lifecycle rule covers `templates/`: a template is kept until its owner deletes it.
   */
  template: (ownerDigest: string, id: string) => `templates/${ownerDigest}/${id}.json`,
  templatesPrefix: (ownerDigest: string) => `templates/${ownerDigest}/`,
  /** A file a client uploads itself (POST /v1/uploads); `uploads/` has its own lifecycle rule. */
  upload: (id: string, fileName: string) => `uploads/${id}/${fileName}`,
  /** Fan-out: what segment workers and the assembler need from the coordinator. */
  fanoutPlan: (id: string) => `jobs/${id}/work/plan.json`,
  fanoutAudio: (id: string) => `jobs/${id}/work/audio.m4a`,
  /** One `<i>.done` per finished part (scene or chunk), and `audio.done` for the soundtrack. */
  partsPrefix: (id: string) => `jobs/${id}/segments/`,
  segmentDone: (id: string, index: number) => `jobs/${id}/segments/${index}.done`,
  audioDone: (id: string) => `jobs/${id}/segments/audio.done`,
  /** The terminal record of a fanned-out job (completed, failed or cancelled); the first writer wins. */
  fanoutFinal: (id: string) => `jobs/${id}/work/final.json`,
} as const;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const isJobId = (id: string): boolean => ULID.test(id);
