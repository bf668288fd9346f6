import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { MovementKind } from '@pedidos/contracts/inventory';
import { movements, products, searchKey } from './schema';

export type ProductRow = typeof products.$inferSelect;

export interface Movement {
  sku: string;
  kind: MovementKind;
  quantity: number;
  orderId: string | null;
  reason: string | null;
  actor: string | null;
  /** The levels the change left behind. */
  onHand: number;
  reserved: number;
  at: Date;
}

/** One product, locked for update with `lock`. */
export async function findProductRow(q: Queryable, sku: string, lock = false): Promise<ProductRow | undefined> {
  const query = q.select().from(products).where(eq(products.sku, sku));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Where a product stands in the catalog: the search's rank (0 without a search), then name, then SKU. */
export interface ProductKey {
  rank: number;
  searchName: string;
  sku: string;
}

/** The worst rank a match can have; see `rankFor`. */
export const LAST_RANK = 3;

// Code-point order, the same on PostgreSQL and PGlite whatever their locales; the index is built on it.
const byName = sql`${products.searchName} COLLATE "C"`;
const bySku = sql`${products.sku} COLLATE "C"`;
const foldedSku = sql`lower(${products.sku})`;

/**
 * How well a product matches a search key: 0 its whole name or SKU, 1 the start of either, 2 the
 * start of a word of the name (after a space or hyphen), 3 anywhere in either.
 */
const rankFor = (key: SQL) => sql<number>`CASE
  WHEN ${products.searchName} = ${key} OR ${foldedSku} = ${key} THEN 0
  WHEN starts_with(${products.searchName}, ${key}) OR starts_with(${foldedSku}, ${key}) THEN 1
  WHEN strpos(translate(' ' || ${products.searchName}, '-', ' '), translate(' ' || ${key}, '-', ' ')) > 0 THEN 2
  ELSE ${sql.raw(String(LAST_RANK))} END`;

/**
 * Up to `limit` products after `after` in catalog order: by name then SKU, or, with `search`, those
 * whose name or SKU contains it (ignoring case and accents), best matches first. strpos, not LIKE,
 * so nothing in the search is a wildcard.
 */
export function productPage(q: Queryable, { search, after, limit }: { search?: string; after?: ProductKey; limit: number }) {
  const key = search === undefined ? undefined : searchKey(sql`${search}`);
  const rank = key === undefined ? undefined : rankFor(key);
  const matches = key === undefined ? undefined : sql`(strpos(${products.searchName}, ${key}) > 0 OR strpos(${foldedSku}, ${key}) > 0)`;
  const afterKey = after === undefined ? undefined
    : rank === undefined ? sql`(${byName}, ${bySku}) > (${after.searchName}, ${after.sku})`
    : sql`(${rank}, ${byName}, ${bySku}) > (${after.rank}, ${after.searchName}, ${after.sku})`;
  return q.select({ product: products, rank: rank ?? sql<number>`0` }).from(products)
    .where(and(matches, afterKey))
    .orderBy(...(rank === undefined ? [] : [rank]), byName, bySku)
    .limit(limit);
}

/** The new product, or undefined when its SKU is taken. */
export async function insertProduct(q: Queryable, values: typeof products.$inferInsert): Promise<ProductRow | undefined> {
  const [created] = await q.insert(products).values(values).onConflictDoNothing().returning();
  return created;
}

/** The product as changed, or undefined when there is none. */
export async function updateProductRow(
  q: Queryable, sku: string, patch: { name?: string; price?: number; description?: string | null }, at: Date,
): Promise<ProductRow | undefined> {
  const [updated] = await q.update(products).set({ ...patch, updatedAt: at }).where(eq(products.sku, sku)).returning();
  return updated;
}

/** Points a product at its image (or none), leaving updatedAt, which dates what orders copy, alone. */
export async function setImageHash(q: Queryable, sku: string, imageHash: string | null): Promise<ProductRow | undefined> {
  const [updated] = await q.update(products).set({ imageHash }).where(eq(products.sku, sku)).returning();
  return updated;
}

/** Changes stock levels by the given amounts; the product as it now is, or undefined when there is none. */
export async function changeLevels(q: Queryable, sku: string, change: { onHand?: number; reserved?: number }, at: Date): Promise<ProductRow | undefined> {
  const [after] = await q
    .update(products)
    .set({ onHand: sql`${products.onHand} + ${change.onHand ?? 0}`, reserved: sql`${products.reserved} + ${change.reserved ?? 0}`, updatedAt: at })
    .where(eq(products.sku, sku))
    .returning();
  return after;
}

export const countProducts = async (q: Queryable): Promise<number> =>
  ((await q.select({ count: sql<number>`count(*)::int` }).from(products)) as [{ count: number }])[0].count;

/** Makes replicas that load the demo catalog at once take turns, until the transaction ends. */
export async function lockSeeding(q: Queryable): Promise<void> {
  await q.execute(sql`SELECT pg_advisory_xact_lock(hashtext('inventory:seed'))`);
}

export async function recordMovement(q: Queryable, movement: Movement): Promise<void> {
  await q.insert(movements).values(movement);
}

/** Up to `limit` ledger rows of `sku`, newest first, below id `before`. */
export const movementPage = (q: Queryable, { sku, before, limit }: { sku: string; before?: number; limit: number }) =>
  q.select().from(movements)
    .where(and(eq(movements.sku, sku), before === undefined ? undefined : lt(movements.id, before)))
    .orderBy(desc(movements.id))
    .limit(limit);
