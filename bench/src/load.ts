import autocannon from 'autocannon';

/**
 * POSTs `bodies` to `urls` from `connections` keep-alive connections for `durationS`.
 * autocannon deals the connections out over the URLs in turn (connection i to urls[i % n]),
 * so several replicas share the load and one latency histogram covers them all.
 * Every request is pre-built; each connection starts at its own offset in the pool so
 * they do not all order the same SKUs at the same moment.
 */
export async function fireOrders(opts: { urls: string[]; authorization: string; connections: number; durationS: number; bodies: string[]; signal: AbortSignal }): Promise<autocannon.Result> {
  const { bodies, connections } = opts;
  let client = 0;
  const instance = autocannon({
    url: opts.urls,
    connections,
    duration: opts.durationS,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: opts.authorization },
    requests: [{}],
    setupClient(c) {
      const offset = Math.floor((client++ * bodies.length) / connections);
      c.setRequests([...bodies.slice(offset), ...bodies.slice(0, offset)].map((body) => ({ body })));
    },
  });
  const stop = () => instance.stop();
  opts.signal.addEventListener('abort', stop, { once: true });
  try {
    const result = await instance;
    opts.signal.throwIfAborted();
    return result;
  } finally {
    opts.signal.removeEventListener('abort', stop);
  }
}

/** What a load produced, closed loop or open: the report's figures of `POST /api/orders`. */
export interface LoadFigures {
  /** Seconds the load ran (open loop: from the first scheduled send to the last answer, at least the duration). */
  measuredS: number;
  accepted: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Requests that got no answer: socket errors and timeouts, the latter also counted apart. */
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export function closedLoopFigures(run: autocannon.Result): LoadFigures {
  return {
    measuredS: run.duration,
    accepted: run['2xx'],
    non2xx: run.non2xx,
    statusCodes: Object.fromEntries(Object.entries(run.statusCodeStats).map(([code, s]) => [code, s.count])),
    errors: run.errors,
    timeouts: run.timeouts,
    latencyMs: { p50: run.latency.p50, p90: run.latency.p90, p99: run.latency.p99, max: run.latency.max, mean: run.latency.mean },
  };
}
