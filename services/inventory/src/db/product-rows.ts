import { and, asc, desc, eq, gt, ilike, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { MovementKind } from '@pedidos/contracts/inventory';
import { movements, products } from './schema';

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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One product, locked for update with `lock`. */
export async function findProductRow(q: Queryable, sku: string, lock = false): Promise<ProductRow | undefined> {
  const query = q.select().from(products).where(eq(products.sku, sku));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Up to `limit` products by SKU after `after`, whose name or SKU contains `search` (case-insensitively). */
export const productPage = (q: Queryable, { search, after, limit }: { search?: string; after?: string; limit: number }) =>
  q.select().from(products)
    .where(and(
      search ? or(ilike(products.name, `%${escapeLike(search)}%`), ilike(products.sku, `%${escapeLike(search)}%`)) : undefined,
      after === undefined ? undefined : gt(products.sku, after),
    ))
    .orderBy(asc(products.sku))
    .limit(limit);

/** The new product, or undefined when its SKU is taken. */
export async function insertProduct(q: Queryable, values: typeof products.$inferInsert): Promise<ProductRow | undefined> {
  const [created] = await q.insert(products).values(values).onConflictDoNothing().returning();
  return created;
}

/** The product as changed, or undefined when there is none. */
export async function updateProductRow(q: Queryable, sku: string, patch: { name?: string; price?: number }, at: Date): Promise<ProductRow | undefined> {
  const [updated] = await q.update(products).set({ ...patch, updatedAt: at }).where(eq(products.sku, sku)).returning();
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
