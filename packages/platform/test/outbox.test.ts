import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '../src/db';
import type { Bus } from '../src/messaging/bus';
import { cloudEvent, type CloudEvent } from '../src/messaging/cloud-event';
import { createInProcessBroker, createInProcessBus, type InProcessBus } from '../src/messaging/in-process-bus';
import { createOutbox, type OutboxOptions, type OutboxRelay } from '../src/messaging/outbox';
import { createTestDatabase, type TestDatabase } from '../src/testing/postgres';
import { outbox } from './fixtures/outbox-schema';

const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const EXCHANGE = 'test.events';

// expect.poll's own default (1 s) is too short for a relay on a shared machine.
const POLL = { timeout: 10_000, interval: 10 };

const event = (n: number, type = 'thing.happened') => cloudEvent({ source: 'outbox-test', type, data: { n } });

/** A real bus whose publishes can be made to fail, hang, or wait at a gate: a fault injector. */
function faultyBus(inner: Bus) {
  let gate: Promise<void> | undefined;
  let openGate = () => {};
  const control = {
    failWith: null as null | ((events: CloudEvent[]) => string | null),
    hang: false,
    publishes: 0,
    entered: 0,
    closeGate() {
      gate = new Promise((resolve) => (openGate = resolve));
    },
    openGate: () => {
      gate = undefined;
      openGate();
    },
  };
  const bus: Bus = {
    ...inner,
    kind: inner.kind,
    async publish(exchange, events) {
      control.entered += 1;
      if (gate) await gate;
      if (control.hang) return new Promise<void>(() => {});
      const failure = control.failWith?.(events);
      if (failure) throw new Error(failure);
      await inner.publish(exchange, events);
      control.publishes += 1;
    },
  };
  return { bus, control };
}

describe.each(['pglite', 'postgres'] as const)('transactional outbox on %s', (kind) => {
  let testDb: TestDatabase;
  let database: Database;
  let bus: InProcessBus;
  let received: CloudEvent[];
  const relays: OutboxRelay[] = [];
  const warnings: string[] = [];
  const log = { warn: (_obj: object, msg: string) => void warnings.push(msg) };

  const backlog = async () => (await database.db.select().from(outbox)).length;
  const receivedIds = () => received.map((e) => e.id);
  const open = (overrides: Partial<OutboxOptions> = {}) => {
    const created = createOutbox({ db: database.db, table: outbox, bus, log, pollIntervalMs: 20, ...overrides });
    relays.push(created.relay);
    return created;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    database = testDb.database;
    await migrate(database, { schema: 'outbox_test', migrationsFolder });
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  beforeEach(async () => {
    await database.db.delete(outbox);
    received = [];
    warnings.length = 0;
    bus = createInProcessBus();
    await bus.subscribe({
      queue: 'outbox-test',
      bindings: [{ exchange: EXCHANGE, routingKey: '#' }],
      prefetch: 1,
      handler: async (e) => void received.push(e),
    });
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await bus.close();
  });

  it('never publishes events enqueued in a transaction that rolled back', async () => {
    const { enqueue, relay } = open();
    const lost = event(1);
    const kept = event(2);
    await expect(
      database.db.transaction(async (tx) => {
        await enqueue(tx, EXCHANGE, [lost]);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [kept]));

    relay.start();
    await expect.poll(async () => received.length === 1 && (await backlog()) === 0, { ...POLL, message: 'the committed event is published' }).toBe(true);
    expect(receivedIds()).toEqual([kept.id]);
  });

  it('publishes committed events once, in the order they were written, and removes them', async () => {
    const { enqueue, relay } = open();
    const events = [event(1), event(2, 'other.happened'), event(3)];
    await database.db.transaction(async (tx) => {
      await enqueue(tx, EXCHANGE, events.slice(0, 2));
      await enqueue(tx, EXCHANGE, events.slice(2));
    });

    relay.start();
    await expect.poll(async () => received.length === 3 && (await backlog()) === 0, { ...POLL, message: 'three events are published' }).toBe(true);
    expect(received).toEqual(events);
    expect(await relay.stats()).toEqual({ backlog: 0, oldestAgeSeconds: 0 });
  });

  it('publishes right after a kick, without waiting for the next poll', async () => {
    const { enqueue, relay } = open({ pollIntervalMs: 600_000 });
    relay.start();
    const e = event(1);
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [e]));
    relay.kick();
    await expect.poll(() => received.length === 1, { ...POLL, timeout: 5_000, message: 'the kicked event is published' }).toBe(true);
    expect(receivedIds()).toEqual([e.id]);
  });

  it('runs one more drain for a kick that arrives during a drain', async () => {
    const faulty = faultyBus(bus);
    const { enqueue, relay } = open({ bus: faulty.bus, pollIntervalMs: 600_000 });
    const first = event(1);
    const second = event(2);
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [first]));
    faulty.control.closeGate();
    relay.start();
    await expect.poll(() => faulty.control.entered === 1, { ...POLL, message: 'the first drain is publishing' }).toBe(true);

    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [second]));
    relay.kick();
    relay.kick();
    faulty.control.openGate();
    await expect.poll(async () => received.length === 2 && (await backlog()) === 0, { ...POLL, timeout: 5_000, message: 'both events are published' }).toBe(true);
    expect(receivedIds()).toEqual([first.id, second.id]);
    expect(faulty.control.entered).toBe(2);
  });

  it('keeps a row whose publish failed, with its attempts and error, and publishes it once the bus recovers', async () => {
    const faulty = faultyBus(bus);
    faulty.control.failWith = () => 'broker unreachable';
    const { enqueue, relay } = open({ bus: faulty.bus, backoff: () => 30 });
    const e = event(1);
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [e]));
    relay.start();

    await expect.poll(async () => {
      const [row] = await database.db.select().from(outbox);
      return (row?.attempts ?? 0) >= 2;
    }, { ...POLL, message: 'the publish has failed twice' }).toBe(true);
    const [row] = await database.db.select().from(outbox).where(eq(outbox.id, e.id));
    expect(row).toMatchObject({ lastError: 'broker unreachable', event: e });
    expect(received).toEqual([]);
    expect(warnings).toContain('outbox publish failed; will retry');

    faulty.control.failWith = null;
    await expect.poll(async () => received.length === 1 && (await backlog()) === 0, { ...POLL, message: 'the event is published after recovery' }).toBe(true);
    expect(receivedIds()).toEqual([e.id]);
  });

  it('counts a publish that is never confirmed as failed', async () => {
    const faulty = faultyBus(bus);
    faulty.control.hang = true;
    const { enqueue, relay } = open({ bus: faulty.bus, backoff: () => 30, publishTimeoutMs: 50, leaseMs: 5_000 });
    const e = event(1);
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [e]));
    relay.start();

    await expect.poll(async () => {
      const [row] = await database.db.select().from(outbox);
      return (row?.attempts ?? 0) >= 1;
    }, { ...POLL, message: 'the publish has timed out' }).toBe(true);
    const [row] = await database.db.select().from(outbox);
    expect(row?.lastError).toMatch(/not confirmed within 50 ms/);

    faulty.control.hang = false;
    await expect.poll(async () => received.length === 1 && (await backlog()) === 0, { ...POLL, message: 'the event is published after recovery' }).toBe(true);
  });

  it('publishes rows that a crashed relay had claimed once their lease ends', async () => {
    const { enqueue, relay } = open();
    const e = event(1);
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [e]));
    // What a relay killed mid-publish leaves behind: the row pushed one lease ahead.
    await database.db.update(outbox).set({ nextAttemptAt: sql`now() + interval '300 milliseconds'` });
    relay.start();
    await expect.poll(async () => received.length === 1 && (await backlog()) === 0, { ...POLL, message: 'the orphaned event is published' }).toBe(true);
    expect(receivedIds()).toEqual([e.id]);
  });

  it('hands back what it could not publish before its claim runs out, so two relays never send a row twice', async () => {
    const slow: Bus = { ...bus, kind: bus.kind, publish: async (exchange, events) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await bus.publish(exchange, events);
    } };
    const options = { bus: slow, publishTimeoutMs: 1_000, leaseMs: 1_500 };
    const { enqueue } = open(options);
    const events = [event(1), event(2), event(3), event(4), event(5)];
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, events));
    // Rows that failed before go out one publish each: five publishes outlast one claim.
    await database.db.update(outbox).set({ attempts: 1 });
    open(options).relay.start();
    open(options).relay.start();

    // Published (the backlog empty) and delivered (the consumer has them) are two moments.
    await expect.poll(async () => (await backlog()) === 0 && received.length >= events.length, { ...POLL, timeout: 20_000, message: 'every row is published' }).toBe(true);
    expect(receivedIds().sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('does not let a poison event hold back the events behind it', async () => {
    const faulty = faultyBus(bus);
    const poison = event(0);
    faulty.control.failWith = (events) => (events.some((e) => e.id === poison.id) ? 'message too large' : null);
    const { enqueue, relay } = open({ bus: faulty.bus, backoff: (n) => (n === 1 ? 10 : 60_000) });
    const fine = [event(1), event(2), event(3)];
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [poison, ...fine]));
    relay.start();

    await expect.poll(async () => received.length === 3 && (await backlog()) === 1, { ...POLL, message: 'the healthy events are published' }).toBe(true);
    expect(receivedIds()).toEqual(fine.map((e) => e.id));
    const rows = await database.db.select().from(outbox);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: poison.id, lastError: 'message too large' });
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('reports the backlog and the age of its oldest row', async () => {
    const { enqueue, relay } = open();
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [event(1), event(2), event(3)]));
    await database.db.update(outbox).set({ createdAt: sql`now() - interval '90 seconds'` }).where(eq(outbox.id, (await database.db.select().from(outbox))[0]!.id));

    const stats = await relay.stats();
    expect(stats.backlog).toBe(3);
    expect(stats.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(stats.oldestAgeSeconds).toBeLessThan(120);

    relay.start();
    await expect.poll(async () => (await relay.stats()).backlog === 0, { ...POLL, message: 'the backlog is drained' }).toBe(true);
    expect(await relay.stats()).toEqual({ backlog: 0, oldestAgeSeconds: 0 });
  });

  it('stop() waits for the drain in progress to finish', async () => {
    const faulty = faultyBus(bus);
    const { enqueue, relay } = open({ bus: faulty.bus });
    const e = event(1);
    await database.db.transaction((tx) => enqueue(tx, EXCHANGE, [e]));
    faulty.control.closeGate();
    relay.start();
    await expect.poll(() => faulty.control.entered === 1, { ...POLL, message: 'the drain is publishing' }).toBe(true);

    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await new Promise(setImmediate);
    expect(stopped).toBe(false);

    faulty.control.openGate();
    await stopping;
    // The drain deleted its published row before stop() resolved.
    expect(await backlog()).toBe(0);
    expect(faulty.control.publishes).toBe(1);
  });

  it('two relays on one database publish each of 500 events exactly once', async () => {
    const broker = createInProcessBroker();
    const consumerBus = createInProcessBus({ broker });
    const delivered: string[] = [];
    await consumerBus.subscribe({
      queue: 'replicas',
      bindings: [{ exchange: EXCHANGE, routingKey: '#' }],
      handler: async (e) => void delivered.push(e.id),
    });
    const second = kind === 'postgres' ? await openDatabase({ url: testDb.url!, poolSize: 3 }) : database;
    const busA = faultyBus(createInProcessBus({ broker }));
    const busB = faultyBus(createInProcessBus({ broker }));
    try {
      const a = open({ bus: busA.bus, batchSize: 25 });
      const b = open({ db: second.db, bus: busB.bus, batchSize: 25 });
      const events = Array.from({ length: 500 }, (_, n) => event(n));
      for (let i = 0; i < events.length; i += 100) {
        await database.db.transaction((tx) => a.enqueue(tx, EXCHANGE, events.slice(i, i + 100)));
      }

      a.relay.start();
      b.relay.start();
      await expect.poll(async () => delivered.length >= 500 && (await backlog()) === 0, { ...POLL, timeout: 20_000, message: 'every event is delivered' }).toBe(true);
      await Promise.all([a.relay.stop(), b.relay.stop()]);
      // A duplicate published before the stop would still be queued for the consumer.
      await expect.poll(() => consumerBus.depth('replicas') === 0, { ...POLL, message: 'the queue is empty' }).toBe(true);

      expect(new Set(delivered)).toEqual(new Set(events.map((e) => e.id)));
      expect(delivered).toHaveLength(500);
      expect(busA.control.publishes).toBeGreaterThan(0);
      expect(busB.control.publishes).toBeGreaterThan(0);
    } finally {
      await consumerBus.close();
      if (second !== database) await second.close();
    }
  });
});

describe('transactional outbox on PostgreSQL, with published rows waiting for vacuum', () => {
  it('claims the due rows through its seq index', async () => {
    const testDb = await createTestDatabase('postgres');
    // The relay's own connections: a backend reports its statistics when it ends.
    const relayDb = await openDatabase({ url: testDb.url!, poolSize: 2 });
    const bus = createInProcessBus();
    const received: string[] = [];
    try {
      await migrate(testDb.database, { schema: 'outbox_test', migrationsFolder });
      await bus.subscribe({ queue: 'outbox-test', bindings: [{ exchange: EXCHANGE, routingKey: '#' }], handler: async (e) => void received.push(e.id) });
      const { enqueue, relay } = createOutbox({ db: relayDb.db, table: outbox, bus, pollIntervalMs: 20, batchSize: 50 });
      relay.start();
      // Each batch is published and deleted before the next is enqueued: its dead rows stay behind.
      for (let batch = 0; batch < 20; batch++) {
        const events = Array.from({ length: 50 }, (_, n) => event(batch * 50 + n));
        await relayDb.db.transaction((tx) => enqueue(tx, EXCHANGE, events));
        relay.kick();
        await expect.poll(() => received.length, POLL).toBe((batch + 1) * 50);
      }
      await relay.stop();
      await relayDb.close();
      // Every claim walked the seq index in order, skipping the entries already known dead. The
      // relay's backends report their counts as they exit, moments after the pool has closed.
      const seqIndexScans = async () => {
        const { rows } = await testDb.database.db.execute(
          sql`select idx_scan as scans from pg_stat_user_indexes where schemaname = 'outbox_test' and indexrelname = 'outbox_seq_idx'`,
        );
        return Number((rows as { scans: string }[])[0]?.scans ?? 0);
      };
      await expect.poll(seqIndexScans, POLL).toBeGreaterThanOrEqual(20);
    } finally {
      await bus.close();
      await relayDb.close().catch(() => undefined);
      await testDb.drop();
    }
  });
});
