import { and, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { badRequest } from '@pedidos/platform/errors';
import { decodeCursor, encodeCursor } from '@pedidos/platform/cursor';
import { DEFAULT_ORDER_SORT, ORDER_SORTS, type OrderSort } from '@pedidos/contracts/orders';
import { orders } from './schema';

/** The order a page continues after, read in the page's own statement. */
const anchor = alias(orders, 'anchor');

/**
 * The columns a sort orders by, the (unique) number last so that no two rows tie and a page
 * boundary is exact. A customer sorts by name then e-mail, any case, a missing one first.
 */
function columns(sort: OrderSort, table: typeof orders | typeof anchor = orders): SQL[] {
  const by = sort.replace(/^-/, '');
  const number = sql`${table.number}`;
  if (by === 'total') return [sql`${table.total}`, number];
  if (by === 'customer') return [sql`lower(coalesce(${table.customerName}, ''))`, sql`lower(coalesce(${table.customerEmail}, ''))`, number];
  return [number];
}

const descending = (sort: OrderSort) => sort.startsWith('-');

export const orderByFor = (sort: OrderSort) => columns(sort).map((c) => (descending(sort) ? sql`${c} DESC` : sql`${c} ASC`));

/**
 * Rows after order `number` in `sort`'s order: a row comparison with that order's own sort key,
 * computed in the same statement (so it agrees with ORDER BY whatever the collation, and one
 * index range scan can serve it). Nothing follows an order outside `owner`'s (undefined: anyone's),
 * so a cursor cannot probe another customer's order.
 */
export function after(sort: OrderSort, number: number, owner: string | undefined): SQL {
  const visible = and(eq(anchor.number, number), owner === undefined ? undefined : eq(anchor.customerId, owner));
  const key = sql`select ${sql.join(columns(sort, anchor), sql`, `)} from ${orders} as ${sql.identifier('anchor')} where ${visible}`;
  return sql`(${sql.join(columns(sort), sql`, `)}) ${descending(sort) ? sql`<` : sql`>`} (${key})`;
}

/**
 * What a cursor holds: the sort and the page's last order number, never the row's values (a
 * customer's name can be any length). The default sort's is the bare number, what clients held
 * before sorts existed.
 */
const cursorText = (sort: OrderSort, number: number) => (sort === DEFAULT_ORDER_SORT ? String(number) : JSON.stringify([sort, number]));

export const cursorFor = (sort: OrderSort, number: number): string => encodeCursor(cursorText(sort, number));

const isSort = (value: unknown): value is OrderSort => ORDER_SORTS.includes(value as OrderSort);

/** The sort and order number of a cursor's text, when it is exactly what `cursorFor` makes. */
function keyOf(text: string): { sort: OrderSort; number: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const [sort, number]: unknown[] = Array.isArray(parsed) ? parsed : [DEFAULT_ORDER_SORT, parsed];
  if (!isSort(sort) || typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return undefined;
  return cursorText(sort, number) === text ? { sort, number } : undefined;
}

const badCursor = (detail: string, message: string) => badRequest('REQUEST.BAD_CURSOR', detail, [{ path: '/query/cursor', message }]);

/** The order number inside a cursor `cursorFor(sort, …)` made; a 400 naming /query/cursor otherwise. */
export function numberFromCursor(sort: OrderSort, cursor: string): number {
  let number = 0;
  decodeCursor(cursor, (text) => {
    const key = keyOf(text);
    if (key === undefined) return false;
    if (key.sort !== sort) throw badCursor('The cursor comes from a list sorted another way; start again without it.', 'from another sort');
    ({ number } = key);
    return true;
  });
  return number;
}

/** For a cursor whose order the list does not hold: orders are never deleted, so it was not this list's. */
export const unknownCursor = () => badCursor('The cursor names no order of this list; start again without it.', 'no such order');
