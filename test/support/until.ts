/**
 * Polls `read` until it returns something other than undefined/false, and returns that. The
 * deadline is a safety net against a hang, not the thing under test: give it generously, and
 * assert on what came back.
 */
export async function until<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  o: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${o.what ?? "a condition"}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 50));
  }
}
