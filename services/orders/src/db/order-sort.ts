import { sql, type SQL } from 'drizzle-orm';
import { badRequest } from '@pedidos/platform/errors';
import { decodeCursor, decodeIntCursor, encodeCursor } from '@pedidos/platform/cursor';
import { ORDER_SORTS, type OrderSort } from '@pedidos/contracts/orders';
import { orders } from './schema';

/** A row's place in a sorted list: the values of the sort's columns, the order number last. */
export type SortKey = (string | number)[];

export const DEFAULT_SORT: OrderSort = '-number';

/**
 * The columns a sort orders by, the (unique) number last so that no two rows tie and a page
 * boundary is exact. A customer sorts by name then e-mail, any case, a missing one first.
 */
function columns(sort: OrderSort): SQL[] {
  const by = sort.replace(/^-/, '');
  const number = sql`${orders.number}`;
  if (by === 'total') return [sql`${orders.total}`, number];
  if (by === 'customer') return [sql`lower(coalesce(${orders.customerName}, ''))`, sql`lower(coalesce(${orders.customerEmail}, ''))`, number];
  return [number];
}

const descending = (sort: OrderSort) => sort.startsWith('-');

/** The sort key of each row, as the database computes it (so the comparison after it agrees with ORDER BY). */
export const sortKeyColumns = (sort: OrderSort) => sql<SortKey>`json_build_array(${sql.join(columns(sort), sql`, `)})`;

export const orderByFor = (sort: OrderSort) => columns(sort).map((c) => (descending(sort) ? sql`${c} DESC` : sql`${c} ASC`));

/** Rows after `key` in `sort`'s order; a row comparison, so one index range scan can serve it. */
export function after(sort: OrderSort, key: SortKey): SQL {
  const values = key.map((v) => (typeof v === 'number' ? sql`${v}::bigint` : sql`${v}::text`));
  return sql`(${sql.join(columns(sort), sql`, `)}) ${descending(sort) ? sql`<` : sql`>`} (${sql.join(values, sql`, `)})`;
}

/** The shape of each sort's key, to refuse a forged cursor or one from another sort. */
const KEY_TYPES: Record<string, ('string' | 'number')[]> = { number: ['number'], total: ['number', 'number'], customer: ['string', 'string', 'number'] };

const isKeyOf = (sort: OrderSort, key: unknown[]) => {
  const types = KEY_TYPES[sort.replace(/^-/, '')]!;
  return key.length === types.length && key.every((v, i) => typeof v === types[i] && (typeof v !== 'number' || Number.isSafeInteger(v)));
};

/**
 * The cursor after a page ending at `key`. The default sort's stays the bare order number (what
 * clients held before sorts existed); the others name their sort, so one cannot serve another.
 */
export const cursorFor = (sort: OrderSort, key: SortKey): string =>
  (sort === DEFAULT_SORT ? encodeCursor(key[0]!) : encodeCursor(JSON.stringify([sort, ...key])));

const otherSort = () =>
  badRequest('REQUEST.BAD_CURSOR', 'The cursor comes from a list sorted another way; start again without it.', [{ path: '/query/cursor', message: 'from another sort' }]);

/** The sort key inside a cursor `cursorFor(sort, …)` made; a 400 naming /query/cursor otherwise. */
export function keyFromCursor(sort: OrderSort, cursor: string): SortKey {
  let key: SortKey = [];
  decodeCursor(cursor, (raw) => {
    const named = namedKey(raw);
    // A bare number is the default sort's cursor.
    if (sort === DEFAULT_SORT ? named !== undefined : /^[1-9][0-9]{0,15}$/.test(raw)) throw otherSort();
    if (sort === DEFAULT_SORT) return true;
    if (named === undefined) return false;
    if (named[0] !== sort) throw otherSort();
    key = named.slice(1) as SortKey;
    return isKeyOf(sort, key);
  });
  return sort === DEFAULT_SORT ? [decodeIntCursor(cursor)] : key;
}

/** `[sort, ...key]` as another sort's cursor holds it, or undefined. */
function namedKey(raw: string): [OrderSort, ...unknown[]] | undefined {
  if (!raw.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && ORDER_SORTS.includes(parsed[0] as OrderSort) ? (parsed as [OrderSort, ...unknown[]]) : undefined;
  } catch {
    return undefined;
  }
}
