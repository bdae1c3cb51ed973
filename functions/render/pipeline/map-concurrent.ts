/**
 * Maps `items` with at most `limit` calls in flight, results in input order. After the first
 * failure no new call starts, the running ones are told to stop through their signal, and once
 * they have settled (no file is still being written) the first failure is thrown.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const stop = new AbortController();
  const inner = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const results = new Array<R>(items.length);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !firstError && !inner.aborted) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index, inner);
      } catch (error) {
        if (!firstError) {
          firstError = { error };
          stop.abort(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError) throw firstError.error;
  signal?.throwIfAborted();
  return results;
}
