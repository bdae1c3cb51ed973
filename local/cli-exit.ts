/**
 * The CLI's exit codes (also in the README):
 *   0 success · 1 the job failed or was cancelled (or the video is not ready) · 2 invalid input
 *   (request file, arguments, output path, port in use, or the API's 400/413/422) · 3 job not found
 *   · 4 unauthorized · 5 API unreachable, throttled or failing (network error, 429, 5xx) · 6 timed out.
 */
export const EXIT = {
  OK: 0,
  JOB_FAILED: 1,
  INVALID: 2,
  NOT_FOUND: 3,
  UNAUTHORIZED: 4,
  UNAVAILABLE: 5,
  TIMEOUT: 6,
} as const;

/** Ends a command with an exit code and a message (printed as `videocraft: <message>`). */
export class CliExit extends Error {
  override name = "CliExit";
  constructor(
    readonly exitCode: number,
    message: string,
    /** Lines printed after the message (e.g. one per validation issue). */
    readonly details: string[] = [],
  ) {
    super(message);
  }
}
