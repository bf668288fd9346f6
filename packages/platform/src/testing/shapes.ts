import { createLogger, type Logger } from '../logger';
import { createInProcessBus, createRabbitMqBus, type Bus, type CloudEvent } from '../messaging';
import type { Database } from '../db';
import { createTestDatabase } from './postgres';
import { createTestVhost } from './rabbitmq';

/** The two shapes every component test runs on. */
export const SHAPES = ['embedded', 'real'] as const;
export type Shape = (typeof SHAPES)[number];

export interface TestAdapters {
  shape: Shape;
  database: Database;
  bus: Bus;
  log: Logger;
  /** The real shape's connection strings, for code that opens its own connections. */
  urls: { database: string | null; rabbitmq: string | null };
  close(): Promise<void>;
}

/** Short back-off so retries and dead letters show up within a test's patience. */
export const TEST_RETRY = { delaysMs: [50, 100] };

/**
 * Embedded: in-memory PGlite and the in-process transport. Real: a fresh PostgreSQL
 * database and RabbitMQ vhost of their own, dropped by close().
 */
export async function openTestAdapters(shape: Shape, opts: { retry?: { delaysMs: number[] } } = {}): Promise<TestAdapters> {
  const log = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent', service: 'test' });
  const retry = opts.retry ?? TEST_RETRY;
  if (shape === 'embedded') {
    const db = await createTestDatabase('pglite');
    const bus = createInProcessBus({ retry, log });
    return {
      shape, database: db.database, bus, log, urls: { database: null, rabbitmq: null },
      async close() {
        await bus.close();
        await db.drop();
      },
    };
  }
  const [db, vhost] = await Promise.all([createTestDatabase('postgres'), createTestVhost()]);
  const bus = await createRabbitMqBus({ url: vhost.url, retry, log });
  return {
    shape, database: db.database, bus, log, urls: { database: db.url, rabbitmq: vhost.url },
    async close() {
      await bus.close();
      await Promise.all([db.drop(), vhost.drop()]);
    },
  };
}

/**
 * Listens to exchanges the way another service would (its own queue per probe) and lets a
 * test await a matching event instead of sleeping.
 */
export async function eventProbe(bus: Bus, bindings: { exchange: string; routingKey: string }[]) {
  const seen: CloudEvent[] = [];
  const waiters: { match: (e: CloudEvent) => boolean; resolve: (e: CloudEvent) => void }[] = [];
  const subscription = await bus.subscribe({
    queue: 'test-probe',
    exclusive: true,
    bindings,
    handler: async (event) => {
      seen.push(event);
      for (const w of waiters.filter((w) => w.match(event))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    },
  });
  return {
    seen,
    /** The first event (already seen or still to come) that matches. */
    next(match: (e: CloudEvent) => boolean, timeoutMs = 10_000): Promise<CloudEvent> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; saw ${seen.map((e) => e.type).join(', ') || 'none'}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      });
    },
    cancel: () => subscription.cancel(),
  };
}

/** Counts the acks of one event id from now on; `reached(n)` resolves once n deliveries were acked. */
export function ackCounter(bus: Bus, eventId: string) {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const off = bus.on((signal) => {
    if (signal.kind !== 'ack' || signal.event.id !== eventId) return;
    count += 1;
    for (const w of waiters.filter((w) => count >= w.n)) w.resolve();
  });
  return {
    get count() {
      return count;
    },
    reached(n: number, timeoutMs = 10_000): Promise<void> {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`event ${eventId} acked ${count} times, not ${n}, within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
    off,
  };
}
