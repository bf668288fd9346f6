import { setMaxListeners } from 'node:events';
import { Pool } from 'undici';
import type { LoadFigures } from './load';
import { percentiles } from './stats';

/**
 * One request of an open-loop run, times in ms from the run's start. `sentMs` is null for a
 * request never sent (the in-flight cap was reached at its time: outcome `missed`).
 */
export interface Attempt {
  scheduledMs: number;
  sentMs: number | null;
  doneMs: number | null;
  /** The HTTP status, or why there is none; null while unanswered. */
  outcome: number | 'error' | 'timeout' | 'missed' | null;
}

export interface OpenLoopFigures {
  /** The arrival rate asked for, requests/s. */
  rate: number;
  maxInFlight: number;
  scheduled: number;
  sent: number;
  /** Not sent because `maxInFlight` requests were already waiting for their answer. */
  missed: number;
  /** Requests sent per second of the schedule: below `rate` when some were missed. */
  achievedRate: number;
  peakInFlight: number;
  /** How late the sender itself was, from scheduled to actual send time: the generator's own lag. */
  sendLagMs: { p50: number; p99: number; max: number } | null;
}

export type OpenLoopResult = LoadFigures & { openLoop: OpenLoopFigures };

/** When request `i` of a run at `rate` requests/s is due, in ms from the start. */
export const scheduledAt = (i: number, rate: number) => (i * 1000) / rate;

/** How many of `total` requests are due at `elapsedMs` (request 0 is due at 0). */
export const dueCount = (elapsedMs: number, rate: number, total: number) => (elapsedMs < 0 ? 0 : Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1));

/**
 * The figures of an open-loop run. Latency runs from each request's scheduled time, not from
 * when it was actually sent, so a sender or a queue that falls behind shows in it instead of
 * hiding (no coordinated omission); requests without an HTTP answer have no latency.
 */
export function summarizeOpenLoop(attempts: Attempt[], opts: { rate: number; durationS: number; maxInFlight: number }): OpenLoopResult {
  const statusCodes: Record<string, number> = {};
  const latencies: number[] = [];
  const lags: number[] = [];
  let accepted = 0, errors = 0, timeouts = 0, missed = 0, lastDone = 0;
  const changes: [number, number][] = [];
  for (const a of attempts) {
    if (a.outcome === 'missed') missed++;
    if (a.sentMs !== null) {
      lags.push(a.sentMs - a.scheduledMs);
      changes.push([a.sentMs, 1]);
      if (a.doneMs !== null) changes.push([a.doneMs, -1]);
    }
    if (a.doneMs !== null) lastDone = Math.max(lastDone, a.doneMs);
    if (typeof a.outcome === 'number') {
      statusCodes[a.outcome] = (statusCodes[a.outcome] ?? 0) + 1;
      if (a.outcome >= 200 && a.outcome < 300) accepted++;
      latencies.push(a.doneMs! - a.scheduledMs);
    } else if (a.outcome === 'error' || a.outcome === 'timeout') {
      errors++;
      if (a.outcome === 'timeout') timeouts++;
    }
  }
  // An answer and a send at the same instant: the answer frees its place first.
  changes.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let inFlight = 0, peakInFlight = 0;
  for (const [, change] of changes) peakInFlight = Math.max(peakInFlight, (inFlight += change));

  const answered = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const latency = percentiles(latencies);
  const lag = percentiles(lags);
  const measuredS = Math.max(opts.durationS, lastDone / 1000);
  return {
    measuredS,
    accepted,
    non2xx: answered - accepted,
    statusCodes,
    errors,
    timeouts,
    latencyMs: latency ?? { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN },
    openLoop: {
      rate: opts.rate,
      maxInFlight: opts.maxInFlight,
      scheduled: attempts.length,
      sent: lags.length,
      missed,
      achievedRate: lags.length / opts.durationS,
      peakInFlight,
      sendLagMs: lag && { p50: lag.p50, p99: lag.p99, max: lag.max },
    },
  };
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * POSTs `bodies` to `urls` at a fixed arrival rate for `durationS`: request i is sent at
 * i/rate s whether or not earlier ones were answered, to urls[i % n], over `connections`
 * keep-alive connections dealt out over the URLs. A request due while `maxInFlight` are
 * unanswered (sent, or queued for a free connection) is not sent and counts as missed.
 */
export async function fireOpenLoop(opts: {
  urls: string[]; authorization: string; rate: number; durationS: number; connections: number; maxInFlight: number; bodies: string[]; signal: AbortSignal; timeoutMs?: number;
}): Promise<OpenLoopResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // Every request in flight listens for the abort: as many listeners as the cap allows, no leak.
  setMaxListeners(opts.maxInFlight + 10, opts.signal);
  const targets = opts.urls.map((raw, i) => {
    const url = new URL(raw);
    const connections = Math.max(1, Math.floor(opts.connections / opts.urls.length) + (i < opts.connections % opts.urls.length ? 1 : 0));
    return { pool: new Pool(url.origin, { connections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }), path: `${url.pathname}${url.search}` };
  });
  const headers = { 'content-type': 'application/json', authorization: opts.authorization };
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const attempts: Attempt[] = Array.from({ length: total }, (_, i) => ({ scheduledMs: scheduledAt(i, opts.rate), sentMs: null, doneMs: null, outcome: null }));
  const answers: Promise<void>[] = [];
  let inFlight = 0;
  const start = performance.now();
  const clock = () => performance.now() - start;

  const send = (i: number) => {
    const attempt = attempts[i]!;
    if (inFlight >= opts.maxInFlight) {
      attempt.outcome = 'missed';
      return;
    }
    inFlight++;
    attempt.sentMs = clock();
    const target = targets[i % targets.length]!;
    answers.push(
      target.pool
        .request({ method: 'POST', path: target.path, headers, body: opts.bodies[i % opts.bodies.length], signal: opts.signal })
        .then(
          async (response) => {
            await response.body.dump();
            attempt.outcome = response.statusCode;
          },
          (error: unknown) => {
            attempt.outcome = TIMEOUTS.has((error as { code?: string }).code ?? '') ? 'timeout' : 'error';
          },
        )
        .finally(() => {
          attempt.doneMs = clock();
          inFlight--;
        }),
    );
  };

  try {
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = () => {
        if (opts.signal.aborted) return resolve();
        // Everything due by now goes out at once: a late timer sends a burst rather than dropping the schedule.
        for (const due = dueCount(clock(), opts.rate, total); next < due; next++) send(next);
        if (next >= total) return resolve();
        setTimeout(tick, Math.max(0, attempts[next]!.scheduledMs - clock()));
      };
      tick();
    });
    await Promise.all(answers);
    opts.signal.throwIfAborted();
    return summarizeOpenLoop(attempts, opts);
  } finally {
    await Promise.all(targets.map((t) => (opts.signal.aborted ? t.pool.destroy() : t.pool.close())));
  }
}
