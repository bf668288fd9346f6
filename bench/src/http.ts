export interface Reply {
  status: number;
  body: unknown;
}

/** One JSON request; a stalled service fails it after `timeoutMs` instead of hanging the bench. */
export async function call(url: string, opts: { method?: string; body?: unknown; signal: AbortSignal; timeoutMs?: number; authorization?: string }): Promise<Reply> {
  const response = await fetch(url, {
    method: opts.method ?? 'GET',
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.authorization ? { authorization: opts.authorization } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)]),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : parseOrText(text) };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', aborted, { once: true });
  });

/**
 * Calls `attempt` until it returns a value, failing after `timeoutMs` with the last reason.
 * `guard` runs before each attempt and throws to give up early (interrupted, a service died).
 */
export async function poll<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  opts: { timeoutMs: number; everyMs: number; signal: AbortSignal; guard?: () => void },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    opts.signal.throwIfAborted();
    opts.guard?.();
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      if (opts.signal.aborted) throw opts.signal.reason;
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${opts.timeoutMs / 1000} s${last ? ` (last: ${describe(last)})` : ''}`);
    await pause(opts.everyMs, opts.signal);
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
