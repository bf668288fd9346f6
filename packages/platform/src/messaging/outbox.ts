import { inArray, lte, sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, type PgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../db';
import type { Bus } from './bus';
import type { CloudEvent } from './cloud-event';
import { errorSummary } from '../error-summary';
import { startPublishSpans } from '../tracing';

/** The outbox of one service; include it in the service's Drizzle schema so its migrations create it. */
export function outboxTable(schema: PgSchema) {
  return schema.table(
    'outbox',
    {
      // Insertion order; created_at cannot give it (every row of a transaction shares now()).
      seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
      // The event's id: CloudEvents ids are any string, so text rather than uuid.
      id: text('id').primaryKey(),
      exchange: text('exchange').notNull(),
      event: jsonb('event').$type<CloudEvent>().notNull(),
      createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
      attempts: integer('attempts').notNull().default(0),
      // Due time; while a relay publishes a row it is pushed one lease ahead (the claim).
      nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
      lastError: text('last_error'),
    },
    // The relay claims the oldest due rows by `seq`. A row is inserted, leased and deleted within
    // moments, and its dead versions stay until vacuum: an index scan on `seq` skips them once
    // marked dead, where the bitmap scan an index on `next_attempt_at` got visited every dead
    // row's page on every claim (15 ms an orders claim after 14,000 orders, the database's largest cost).
    // With `next_attempt_at` in no index, the lease's update adds no index entries either.
    (t) => [index('outbox_seq_idx').on(t.seq)],
  );
}

export type OutboxTable = ReturnType<typeof outboxTable>;

export interface OutboxLog {
  warn(obj: object, msg: string): void;
}

export interface OutboxOptions {
  db: Db;
  table: OutboxTable;
  bus: Bus;
  log?: OutboxLog;
  pollIntervalMs?: number;
  batchSize?: number;
  /** Delay before the next attempt, given the number of failed attempts so far (1, 2, ...). */
  backoff?: (attempts: number) => number;
  /** A publish that takes longer counts as failed (it may still land: at least once). */
  publishTimeoutMs?: number;
  /** How long a claimed row stays hidden from other relays; must outlast a publish. */
  leaseMs?: number;
}

export interface OutboxRelay {
  /** Starts polling. */
  start(): void;
  /** Drains soon: call after committing a transaction that enqueued events. No-op unless started. */
  kick(): void;
  /** Stops polling and waits for a drain in progress. */
  stop(): Promise<void>;
  /** Rows not yet published, and the age of the oldest one. */
  stats(): Promise<{ backlog: number; oldestAgeSeconds: number }>;
}

export interface Outbox {
  /** Stores events in the caller's transaction; they are published after it commits. */
  enqueue(tx: Tx, exchange: string, events: CloudEvent[]): Promise<void>;
  relay: OutboxRelay;
}

export const exponentialBackoff =
  (baseMs = 200, capMs = 30_000) =>
  (attempts: number) =>
    Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));

// Without a logger, failures still reach stderr: a relay that fails silently loses its operator.
const stderrLog: OutboxLog = { warn: (obj, msg) => console.error(msg, obj) };

interface Claimed {
  id: string;
  seq: number;
  exchange: string;
  event: CloudEvent;
  attempts: number;
}

export function createOutbox(opts: OutboxOptions): Outbox {
  const { db, table: t, bus, log = stderrLog } = opts;
  const pollIntervalMs = opts.pollIntervalMs ?? 500;
  const batchSize = opts.batchSize ?? 500;
  const backoff = opts.backoff ?? exponentialBackoff();
  const publishTimeoutMs = opts.publishTimeoutMs ?? 10_000;
  const leaseMs = opts.leaseMs ?? 30_000;
  if (leaseMs <= publishTimeoutMs) throw new Error('outbox leaseMs must exceed publishTimeoutMs');

  const idIn = (ids: string[]) => sql`${t.id} = ANY(${sql.param(ids)}::text[])`;
  const later = (ms: number) => sql`now() + (${Math.round(ms)}::int * interval '1 millisecond')`;

  // One autocommitted statement: no transaction stays open across the publish, so PGlite's
  // single connection stays free and a crash leaves rows that become due again when the lease ends.
  async function claim(): Promise<Claimed[]> {
    const due = db
      .select({ id: t.id })
      .from(t)
      .where(lte(t.nextAttemptAt, sql`now()`))
      .orderBy(t.seq)
      .limit(batchSize)
      .for('update', { skipLocked: true });
    const rows = await db
      .update(t)
      .set({ nextAttemptAt: later(leaseMs) })
      .where(inArray(t.id, due))
      .returning({ id: t.id, seq: t.seq, exchange: t.exchange, event: t.event, attempts: t.attempts });
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /**
   * Fresh rows go out in one publish per exchange, in insertion order. A row that failed before
   * goes alone, so a poison event fails by itself instead of taking its neighbours with it.
   */
  function plan(rows: Claimed[]): Claimed[][] {
    const units: Claimed[][] = [];
    const fresh = new Map<string, Claimed[]>();
    for (const row of rows) {
      const group = row.attempts === 0 ? fresh.get(row.exchange) : undefined;
      if (group) {
        group.push(row);
        continue;
      }
      const unit = [row];
      units.push(unit);
      if (row.attempts === 0) fresh.set(row.exchange, unit);
    }
    return units;
  }

  /** Publishes one batch; true when a full batch went out and more may be waiting. */
  async function drainBatch(): Promise<boolean> {
    const claimedAt = Date.now();
    const rows = await claim();
    const units = plan(rows);
    const handBack = (from: number) => {
      const untried = units.slice(from).flatMap((u) => u.map((r) => r.id));
      return untried.length > 0 ? db.update(t).set({ nextAttemptAt: sql`now()` }).where(idIn(untried)) : undefined;
    };
    for (const [i, unit] of units.entries()) {
      // A publish started this late could outlive the claim, and another relay would send the
      // same rows meanwhile: what is left goes back instead, due now.
      if (Date.now() - claimedAt + publishTimeoutMs >= leaseMs) {
        await handBack(i);
        return false;
      }
      const ids = unit.map((r) => r.id);
      const exchange = unit[0]!.exchange;
      const publishing = startPublishSpans(exchange, unit.map((r) => r.event));
      try {
        await withTimeout(bus.publish(exchange, publishing.events), publishTimeoutMs);
        publishing.end();
      } catch (error) {
        publishing.end(error);
        // Every row of a unit has the same attempts: fresh units are all 0, others are single.
        const attempts = unit[0]!.attempts + 1;
        const message = errorSummary(error);
        await db
          .update(t)
          .set({ attempts: sql`${t.attempts} + 1`, lastError: message.slice(0, 2000), nextAttemptAt: later(backoff(attempts)) })
          .where(idIn(ids));
        // The rest were not tried: hand them back now, and stop until the next poll so that
        // a broker outage costs one failed publish per poll rather than one per row.
        await handBack(i + 1);
        log.warn({ err: error, exchange, events: ids.length, attempts }, 'outbox publish failed; will retry');
        return false;
      }
      await db.delete(t).where(idIn(ids));
    }
    return rows.length === batchSize;
  }

  let timer: NodeJS.Timeout | undefined;
  let state: 'idle' | 'started' | 'stopped' = 'idle';
  let draining: Promise<void> | undefined;
  let again = false;

  async function drain(): Promise<void> {
    try {
      while ((await drainBatch()) && state === 'started') {}
    } catch (error) {
      log.warn({ err: error }, 'outbox drain failed; will retry');
    }
  }

  function startDrain(): void {
    draining = drain().finally(() => {
      draining = undefined;
      if (again && state === 'started') {
        again = false;
        startDrain();
      }
    });
  }

  const relay: OutboxRelay = {
    start() {
      if (state !== 'idle') return;
      state = 'started';
      // Polling catches what no kick announced: other replicas' rows, rows left by a crash, retries.
      timer = setInterval(() => {
        if (!draining) startDrain();
      }, pollIntervalMs);
      timer.unref();
      startDrain();
    },
    kick() {
      if (state !== 'started') return;
      if (draining) again = true;
      else startDrain();
    },
    async stop() {
      state = 'stopped';
      clearInterval(timer);
      again = false;
      await draining;
    },
    async stats() {
      const [row] = await db
        .select({
          backlog: sql`count(*)`.mapWith(Number),
          oldestAgeSeconds: sql`coalesce(extract(epoch from now() - min(${t.createdAt})), 0)`.mapWith(Number),
        })
        .from(t);
      return { backlog: row?.backlog ?? 0, oldestAgeSeconds: Math.max(0, row?.oldestAgeSeconds ?? 0) };
    },
  };

  return {
    async enqueue(tx, exchange, events) {
      if (events.length === 0) return;
      // The events as one JSON array, in their order (the relay publishes by `seq`): a jsonb[]
      // parameter would have each event's JSON escaped again as an array element.
      await tx.execute(sql`
        INSERT INTO ${t} (id, exchange, event)
        SELECT e.event ->> 'id', ${exchange}::text, e.event FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY AS e(event, ord)
        ORDER BY e.ord`);
    },
    relay,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`publish not confirmed within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
