import { createHash } from 'node:crypto';
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import type { IdentityConfig } from '../config';
import { loginThrottles } from './schema';
import { addressBlock } from '../client-address';

export type LoginThrottleSettings = Pick<IdentityConfig, 'LOGIN_MAX_FAILURES' | 'LOCKOUT_S' | 'LOCKOUT_MAX_S'>;

// Above this many doublings every lockout is LOCKOUT_MAX_S anyway; the cap keeps power() finite.
const MAX_DOUBLINGS = 20;

/** One email (already normalized) from one client's address block; it need not name an account. */
export const throttleKey = (email: string, ip: string) => createHash('sha256').update(`${email}\n${addressBlock(ip)}`).digest('hex');

/**
 * Lockouts per email and address block, never per account alone: an attacker elsewhere cannot
 * lock the owner out. The lockouts of one key grow: LOCKOUT_S, twice that, ... up to LOCKOUT_MAX_S.
 */
export function createLoginThrottle({ LOGIN_MAX_FAILURES: max, LOCKOUT_S: first, LOCKOUT_MAX_S: longest }: LoginThrottleSettings) {
  const timestamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;

  return {
    /** Whole seconds until `key` may try again, or undefined when it is not locked out. */
    async lockedFor(q: Queryable, key: string, at: Date): Promise<number | undefined> {
      const [row] = await q
        .select({ lockedUntil: loginThrottles.lockedUntil })
        .from(loginThrottles)
        .where(and(eq(loginThrottles.key, key), gt(loginThrottles.lockedUntil, at)));
      return row?.lockedUntil ? Math.ceil((row.lockedUntil.getTime() - at.getTime()) / 1000) : undefined;
    },

    /** Counts a wrong password in one statement, so concurrent attempts cannot lose a count; returns the new lock's end, if this one locked. */
    async recordFailure(q: Queryable, key: string, at: Date): Promise<Date | undefined> {
      // Quiet counts from the end of the last lockout, so waiting out the longest one does not start afresh.
      const stale = sql`greatest(${loginThrottles.lastFailureAt}, ${loginThrottles.lockedUntil}) <= ${timestamp(at)} - make_interval(secs => ${longest}::int)`;
      const failures = sql`(CASE WHEN ${stale} THEN 1 ELSE ${loginThrottles.failures} + 1 END)`;
      const lockS = sql`least(${first}::int * power(2, least(${failures} / ${max}::int - 1, ${MAX_DOUBLINGS}::int)), ${longest}::int)`;
      const [row] = await q
        .insert(loginThrottles)
        .values({ key, failures: 1, lastFailureAt: at, lockedUntil: max === 1 ? new Date(at.getTime() + Math.min(first, longest) * 1000) : null })
        .onConflictDoUpdate({
          target: loginThrottles.key,
          set: {
            failures,
            lastFailureAt: at,
            lockedUntil: sql`CASE WHEN ${failures} % ${max}::int = 0 THEN ${timestamp(at)} + make_interval(secs => ${lockS}) ELSE ${loginThrottles.lockedUntil} END`,
          },
        })
        .returning({ failures: loginThrottles.failures, lockedUntil: loginThrottles.lockedUntil });
      return row && row.failures % max === 0 && row.lockedUntil ? row.lockedUntil : undefined;
    },

    /** After the right password: the key starts again from nothing. */
    async forgive(q: Queryable, key: string): Promise<void> {
      await q.delete(loginThrottles).where(eq(loginThrottles.key, key));
    },

    /** Drops the keys recordFailure would start afresh anyway; returns how many. */
    async forgetStale(q: Queryable, at: Date): Promise<number> {
      const quietSince = new Date(at.getTime() - longest * 1000);
      const gone = await q
        .delete(loginThrottles)
        .where(and(lte(loginThrottles.lastFailureAt, quietSince), or(isNull(loginThrottles.lockedUntil), lte(loginThrottles.lockedUntil, quietSince))))
        .returning({ key: loginThrottles.key });
      return gone.length;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
