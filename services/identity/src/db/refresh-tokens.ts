import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { refreshTokens } from './schema';

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export async function insertRefreshToken(q: Queryable, row: typeof refreshTokens.$inferInsert): Promise<void> {
  await q.insert(refreshTokens).values(row);
}

/** Revokes the token if it is live at `at`, in one statement so that two spends cannot both succeed; the spent row, or undefined. */
export async function spendRefreshToken(q: Queryable, tokenHash: string, at: Date): Promise<RefreshTokenRow | undefined> {
  const [spent] = await q
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, at)))
    .returning();
  return spent;
}

export async function refreshTokenByHash(q: Queryable, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await q.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

/** Revokes what is still live of a family; returns the users of the tokens revoked. */
export const revokeFamily = (q: Queryable, familyId: string, at: Date) =>
  q.update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .returning({ userId: refreshTokens.userId });

/** Revokes one token; an unknown or already revoked one is left as it is. */
export async function revokeRefreshToken(q: Queryable, tokenHash: string, at: Date): Promise<void> {
  await q.update(refreshTokens).set({ revokedAt: at }).where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.revokedAt)));
}
