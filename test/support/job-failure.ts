import { expect } from "vitest";
import { JobFailure } from "../../functions/core/errors.js";

/** Awaits `p`, which must reject with a JobFailure, and returns it for further checks. */
export async function jobFailureOf(p: Promise<unknown>): Promise<JobFailure> {
  const e = await p.then(
    () => expect.unreachable("expected a failure"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JobFailure);
  return e as JobFailure;
}
