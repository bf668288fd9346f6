import type { ActivityItem, ActivityNote, OrderActivity, OrderStatus } from '@pedidos/contracts/orders';
import { displayNameOf, type Principal } from '@pedidos/platform/auth';
import type { Db } from '@pedidos/platform/db';
import { DomainError } from '@pedidos/platform/errors';
import { historyOf, insertNote, notesOf, orderOrigin, type NoteRow } from './db/order-activity';

const notFound = (id: string) => new DomainError('ORDER.NOT_FOUND', `No order ${id}.`);

const noteItem = (n: NoteRow): ActivityNote => ({
  kind: 'note', id: n.id, body: n.body, at: n.createdAt.toISOString(), by: { id: n.author, name: n.authorName, role: 'staff' },
});

/**
 * The back office's view of an order over time: its status changes with who caused them, and the
 * staff's notes. Notes live only here: never in the order, its events or its stream, so nothing a
 * customer reads can carry them.
 */
export function createOrderActivity({ db, now = () => new Date() }: { db: Db; now?: () => Date }) {
  return {
    async activity(orderId: string): Promise<OrderActivity> {
      const origin = await orderOrigin(db, orderId);
      if (origin === undefined) throw notFound(orderId);
      const { customerId, traceId } = origin;
      const [history, notes] = await Promise.all([historyOf(db, orderId), notesOf(db, orderId)]);
      const changes: ActivityItem[] = history.map((h) => ({
        kind: 'status',
        status: h.status as OrderStatus,
        reason: h.reason,
        at: h.at.toISOString(),
        by: h.actor === null ? null : { id: h.actor, name: h.actorName, role: h.actor === customerId ? 'customer' : 'staff' },
        ...(h.shortages ? { shortages: h.shortages } : {}),
      }));
      // Both lists are oldest first; a stable sort keeps a status change ahead of a note of the same instant.
      const items = [...changes, ...notes.map(noteItem)].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      return { traceId, items };
    },

    async addNote(author: Principal, orderId: string, body: string): Promise<ActivityNote> {
      const row = await insertNote(db, { orderId, author: author.id, authorName: displayNameOf(author), body }, now());
      if (!row) throw notFound(orderId);
      return noteItem(row);
    },
  };
}

export type OrderActivityService = ReturnType<typeof createOrderActivity>;
