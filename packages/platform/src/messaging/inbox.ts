import { sql } from 'drizzle-orm';
import { primaryKey, type PgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import type { Tx } from '../db';

/** Events a consumer has applied; include it in the service's Drizzle schema. */
export function inboxTable(schema: PgSchema) {
  return schema.table(
    'inbox',
    {
      consumer: text('consumer').notNull(),
      eventId: text('event_id').notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
  );
}

export type InboxTable = ReturnType<typeof inboxTable>;

/**
 * Records that `consumer` handles these events, in the caller's transaction and one statement:
 * the ids handled for the first time (apply their effects in the same transaction); the others
 * are duplicates (do nothing). A concurrent claim of the same event waits on the key until this
 * transaction ends, then counts it as a duplicate. Claimed in id order, so two transactions
 * claiming overlapping batches never deadlock.
 */
export async function claimEvents(tx: Tx, table: InboxTable, consumer: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  // One array parameter rather than a row of parameters per event: the statement's text is the
  // same for every batch, and nothing is built per event.
  const { rows } = await tx.execute<{ event_id: string }>(sql`
    INSERT INTO ${table} (consumer, event_id)
    SELECT ${consumer}::text, id FROM unnest(${sql.param([...new Set(eventIds)])}::text[]) AS e(id) ORDER BY id COLLATE "C"
    ON CONFLICT DO NOTHING RETURNING event_id`);
  return new Set(rows.map((r) => r.event_id));
}
