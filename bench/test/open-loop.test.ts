import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { dueCount, fireOpenLoop, scheduledAt, summarizeOpenLoop, type Attempt } from '../src/open-loop';

describe('the open-loop schedule', () => {
  it('sends request i at i/rate seconds, the first at once', () => {
    expect([0, 1, 2, 100].map((i) => scheduledAt(i, 100))).toEqual([0, 10, 20, 1000]);
    expect(scheduledAt(3, 600)).toBe(5);
  });

  it('counts as due every request whose time has come, never more than the run holds', () => {
    expect(dueCount(-1, 100, 500)).toBe(0);
    expect(dueCount(0, 100, 500)).toBe(1);
    expect(dueCount(9.99, 100, 500)).toBe(1);
    expect(dueCount(10, 100, 500)).toBe(2);
    // A timer that fires 35 ms late finds four requests due at once: they all go out.
    expect(dueCount(35, 100, 500)).toBe(4);
    expect(dueCount(60_000, 100, 500)).toBe(500);
  });
});

const answered = (scheduledMs: number, sentMs: number, doneMs: number, status = 201): Attempt => ({ scheduledMs, sentMs, doneMs, outcome: status });

describe('the open-loop figures', () => {
  it('measure latency from the scheduled time, so a request that waited to be sent counts its wait', () => {
    // Scheduled at 0 and 10 ms; the second left 40 ms late (the sender stalled) and took 5 ms.
    const result = summarizeOpenLoop([answered(0, 0, 5), answered(10, 50, 55)], { rate: 100, durationS: 1, maxInFlight: 10 });
    expect(result.latencyMs).toMatchObject({ p50: 5, p99: 45, max: 45 });
    expect(result.openLoop.sendLagMs).toEqual({ p50: 0, p99: 40, max: 40 });
  });

  it('percentiles are nearest-rank over the answered requests', () => {
    const attempts = Array.from({ length: 100 }, (_, i) => answered(i * 10, i * 10, i * 10 + i + 1));
    expect(summarizeOpenLoop(attempts, { rate: 100, durationS: 1, maxInFlight: 10 }).latencyMs).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
  });

  it('count missed, failed and refused requests apart from the accepted ones, and the rate actually sent', () => {
    const attempts: Attempt[] = [
      answered(0, 0, 20),
      answered(10, 10, 30, 422),
      { scheduledMs: 20, sentMs: 20, doneMs: 10_020, outcome: 'timeout' },
      { scheduledMs: 30, sentMs: 30, doneMs: 31, outcome: 'error' },
      { scheduledMs: 40, sentMs: null, doneMs: null, outcome: 'missed' },
      { scheduledMs: 50, sentMs: null, doneMs: null, outcome: 'missed' },
    ];
    const result = summarizeOpenLoop(attempts, { rate: 100, durationS: 2, maxInFlight: 4 });
    expect(result).toMatchObject({ accepted: 1, non2xx: 1, statusCodes: { 201: 1, 422: 1 }, errors: 2, timeouts: 1 });
    // In flight: 0–20, 10–30, 20–10020, 30–31 ms; never more than two at once.
    expect(result.openLoop).toMatchObject({ rate: 100, maxInFlight: 4, scheduled: 6, sent: 4, missed: 2, achievedRate: 2, peakInFlight: 2 });
    // Only HTTP answers have a latency; the load lasted until the timeout's end.
    expect(result.latencyMs.max).toBe(20);
    expect(result.measuredS).toBe(10.02);
  });

  it('count a request answered at the instant the next is sent as one in flight, not two', () => {
    const result = summarizeOpenLoop([answered(0, 0, 10), answered(10, 10, 20), answered(20, 20, 30)], { rate: 100, durationS: 1, maxInFlight: 1 });
    expect(result.openLoop.peakInFlight).toBe(1);
    expect(result.measuredS).toBe(1);
  });

  it('have no latency when nothing was answered', () => {
    const result = summarizeOpenLoop([{ scheduledMs: 0, sentMs: null, doneMs: null, outcome: 'missed' }], { rate: 1, durationS: 1, maxInFlight: 1 });
    expect(result.latencyMs.p99).toBeNaN();
    expect(result.openLoop.sendLagMs).toBeNull();
  });
});

const held: ServerResponse[] = [];
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  held.splice(0).forEach((res) => res.destroy());
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** An orders process that holds every request until `release()`, and answers at once from then on. */
async function stalledReplica() {
  let received = 0;
  let released = false;
  const answer = (res: ServerResponse) => res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  const server = createServer((req, res) => {
    received++;
    req.resume();
    if (released) answer(res);
    else held.push(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/api/orders`,
    received: () => received,
    release: () => {
      released = true;
      held.splice(0).forEach(answer);
    },
  };
}

it('sends no more than the cap while nothing is answered, and counts the rest as missed', async () => {
  const replica = await stalledReplica();
  // Released well after the schedule's end, even on a busy machine.
  const release = setTimeout(() => replica.release(), 1_500);
  const result = await fireOpenLoop({
    urls: [replica.url], authorization: 'Bearer t', rate: 250, durationS: 0.2, connections: 4, maxInFlight: 6, bodies: ['{}'], signal: new AbortController().signal,
  });
  clearTimeout(release);
  // 50 due within 200 ms, none answered before the schedule ended: 6 sent (4 on the wire, 2 queued), 44 missed.
  expect(result.openLoop).toMatchObject({ scheduled: 50, sent: 6, missed: 44, peakInFlight: 6 });
  expect(result.accepted).toBe(6);
  expect(replica.received()).toBe(6);
  // Each waited for the release, and its latency says so.
  expect(result.latencyMs.p50).toBeGreaterThan(1_000);
});

it('deals the requests out over every orders process in turn, each with its share of the connections', async () => {
  const replicas = [await stalledReplica(), await stalledReplica()];
  replicas.forEach((r) => r.release());
  const result = await fireOpenLoop({
    urls: replicas.map((r) => r.url), authorization: 'Bearer t', rate: 100, durationS: 0.2, connections: 2, maxInFlight: 100, bodies: ['{}'], signal: new AbortController().signal,
  });
  expect(result.accepted).toBe(20);
  expect(replicas.map((r) => r.received())).toEqual([10, 10]);
});

it('holds as many requests in flight as the cap allows without a listener-leak warning on the shared signal', async () => {
  const replica = await stalledReplica();
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  const release = setTimeout(() => replica.release(), 300);
  try {
    const result = await fireOpenLoop({
      urls: [replica.url], authorization: 'Bearer t', rate: 200, durationS: 0.1, connections: 20, maxInFlight: 30, bodies: ['{}'], signal: new AbortController().signal,
    });
    expect(result.openLoop.peakInFlight).toBe(20);
    // Node reports the warning on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  } finally {
    clearTimeout(release);
    process.off('warning', onWarning);
  }
});
