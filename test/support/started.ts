/**
 * Starts work now (in a `beforeAll`, say) and hands back a function a test calls to await it. Many
 * jobs can then run at once while each test waits, under its own timeout, for its own job only: one
 * slow job fails its own test, not the hook every test depends on. A failure is held until the test
 * asks, so it is reported by that test and never as an unhandled rejection in between.
 */
export function startNow<T>(work: Promise<T>): () => Promise<T> {
  const settled = work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const result = await settled;
    if (!result.ok) throw result.error;
    return result.value;
  };
}
