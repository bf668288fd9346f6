import { OrderStatsQuery, STATS_MAX_BUCKETS, STATS_MAX_DAYS, type OrderStats, type StatsBucket } from '@pedidos/contracts/orders';
import type { Db } from '@pedidos/platform/db';
import { badRequest } from '@pedidos/platform/errors';
import { orderStats, topProducts, type StatsRange } from './db/order-stats';

const HOUR_MS = 3_600_000;
/** Each bucket's shortest length: a day spans 23 hours on a spring-forward, so a count over it is never short. */
const BUCKET_MS: Record<StatsBucket, number> = { hour: HOUR_MS, day: 23 * HOUR_MS };

const invalid = (field: string, message: string) =>
  badRequest('REQUEST.VALIDATION', `Invalid request: /query/${field} ${message}.`, [{ path: `/query/${field}`, message }], { title: 'Invalid request' });

/** Whether the zone is one the IANA database names (Intl and PostgreSQL read the same database). */
function knownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The rules the schema cannot say: an ordered range, not too long, not too many buckets, a real zone. */
function statsRange(query: OrderStatsQuery): StatsRange {
  const from = new Date(query.from);
  const to = new Date(query.to);
  const bucket = query.bucket ?? 'day';
  const tz = query.tz ?? 'UTC';
  const span = to.getTime() - from.getTime();
  if (span <= 0) throw invalid('to', 'must be after from');
  if (span > STATS_MAX_DAYS * 24 * HOUR_MS) throw invalid('to', `must be at most ${STATS_MAX_DAYS} days after from`);
  // The first bucket starts up to one bucket before `from`, so the span leaves room for it.
  if (Math.ceil(span / BUCKET_MS[bucket]) + 1 > STATS_MAX_BUCKETS) throw invalid('bucket', `would give more than ${STATS_MAX_BUCKETS} buckets over this range; choose a longer one`);
  if (!knownZone(tz)) throw invalid('tz', 'must be an IANA time zone, e.g. America/Sao_Paulo');
  return { from, to, bucket, tz };
}

/** The back office's figures: orders, revenue, payments, the best sellers and their series over a range it chooses. */
export function createOrderStatsService({ db }: { db: Db }) {
  return {
    async stats(query: OrderStatsQuery): Promise<OrderStats> {
      const range = statsRange(query);
      const figures = await orderStats(db, range);
      return {
        from: range.from.toISOString(), to: range.to.toISOString(), bucket: range.bucket, tz: range.tz,
        ...figures, topProducts: await topProducts(db, range),
      };
    },
  };
}

export type OrderStatsService = ReturnType<typeof createOrderStatsService>;
