import { and, eq } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { idempotencyKeys } from './schema';

/** What a customer used an Idempotency-Key for: the hash of the request's body and the order it placed. */
export interface KeptIdempotencyKey {
  requestHash: string;
  orderId: string;
}

/** What `customerId` used `key` for, if anything. */
export async function keptIdempotencyKey(q: Queryable, customerId: string, key: string): Promise<KeptIdempotencyKey | undefined> {
  const [kept] = await q
    .select({ requestHash: idempotencyKeys.requestHash, orderId: idempotencyKeys.orderId })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.customerId, customerId), eq(idempotencyKeys.key, key)));
  return kept;
}
