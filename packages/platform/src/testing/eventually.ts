// The one poll helper of every project's tests, here because `@pedidos/platform/testing` is the
// one test-support module that packages, services and the system tests all import. Where a
// check is an assertion, vitest's `expect.poll` or `vi.waitFor` does the same job.

/**
 * Polls `check` every 25 ms until it returns a value other than undefined, or fails after
 * `timeoutMs` with the last error `check` threw. `giveUp` is asked before each try: a reason it
 * returns fails the wait at once (a process that exited will never turn ready).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
  giveUp?: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const reason = giveUp?.();
    if (reason !== undefined) throw new Error(`${what} not met: ${reason}${last ? ` (last: ${String(last)})` : ''}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
