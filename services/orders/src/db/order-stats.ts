import { sql } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import {
  MONEY_TAKEN_STATUSES, ORDER_STATUSES, STATS_TOP_PRODUCTS, type CurrencyAmount, type OrderStats, type OrderStatus, type StatsBucket, type StatsTopProduct,
} from '@pedidos/contracts/orders';
import { orderItems, orders } from './schema';

export interface StatsRange {
  from: Date;
  to: Date;
  bucket: StatsBucket;
  /** An IANA zone PostgreSQL knows; buckets start at its midnights (day) or hours (hour). */
  tz: string;
}

type Row = {
  start: Date | string; currency: string | null; orders: number | string; revenue: number | string; captured: number | string; refunded: number | string;
} & Record<OrderStatus, number | string>;
type ProductRow = { sku: string; name: string; units: number | string; currency: string; revenue: number | string };
type Figures = Omit<OrderStats, 'from' | 'to' | 'bucket' | 'tz' | 'topProducts'>;

const unit = { hour: sql.raw(`'hour'`), day: sql.raw(`'day'`) };
const step = { hour: sql.raw(`interval '1 hour'`), day: sql.raw(`interval '1 day'`) };
const moneyTaken = sql.join(MONEY_TAKEN_STATUSES.map((s) => sql`${s}`), sql`, `);

/**
 * Counts and money of the orders created in [from, to), in total and per bucket, in one statement:
 * PostgreSQL aggregates per (bucket, currency) and a generated series of bucket starts gives the
 * buckets without orders their row of zeros. Buckets are cut in `tz` local time and converted
 * back, so a day bucket spans 23 or 25 hours across a daylight-saving change, and the hour a
 * spring-forward skips gives the same start as the next one (kept once). Captured and refunded
 * money is read from each order's payment summary, whatever the order's status.
 */
export async function orderStats(q: Queryable, { from, to, bucket, tz }: StatsRange): Promise<Figures> {
  const byStatus = ORDER_STATUSES.map((s) => sql`count(*) filter (where ${orders.status} = ${s})::int as ${sql.identifier(s)}`);
  const [start, end] = [from.toISOString(), to.toISOString()];
  const { rows } = await q.execute<Row>(sql`
    with buckets as (
      select distinct local_start at time zone ${tz}::text as start
      from generate_series(
        date_trunc(${unit[bucket]}, ${start}::timestamptz at time zone ${tz}::text),
        ${end}::timestamptz at time zone ${tz}::text,
        ${step[bucket]}
      ) as local_start
    ), counted as (
      select date_trunc(${unit[bucket]}, ${orders.createdAt} at time zone ${tz}::text) at time zone ${tz}::text as start,
        ${orders.currency} as currency,
        count(*)::int as orders,
        ${sql.join(byStatus, sql`, `)},
        coalesce(sum(${orders.total}) filter (where ${orders.status} in (${moneyTaken})), 0)::bigint as revenue,
        coalesce(sum((${orders.payment} ->> 'captured')::bigint), 0)::bigint as captured,
        coalesce(sum((${orders.payment} ->> 'refunded')::bigint), 0)::bigint as refunded
      from ${orders}
      where ${orders.createdAt} >= ${start}::timestamptz and ${orders.createdAt} < ${end}::timestamptz
      group by 1, 2
    )
    select b.start, c.currency, coalesce(c.orders, 0) as orders, coalesce(c.revenue, 0) as revenue, c.captured, c.refunded,
      ${sql.join(ORDER_STATUSES.map((s) => sql`coalesce(c.${sql.identifier(s)}, 0) as ${sql.identifier(s)}`), sql`, `)}
    from buckets b left join counted c on c.start = b.start
    where b.start < ${end}::timestamptz
    order by b.start, c.currency
  `);
  return fold(rows);
}

/** Rows of (bucket, currency) into the answer's totals and series; money-taking counts per currency give the averages. */
function fold(rows: Row[]): Figures {
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const revenue = new Map<string, number>();
  const paidOrders = new Map<string, number>();
  const captured = new Map<string, number>();
  const refunded = new Map<string, number>();
  const add = (sums: Map<string, number>, currency: string, amount: number) => {
    if (amount > 0) sums.set(currency, (sums.get(currency) ?? 0) + amount);
  };
  const series: OrderStats['series'] = [];
  let total = 0;
  for (const row of rows) {
    const start = new Date(row.start).toISOString();
    let entry = series.at(-1);
    if (entry?.start !== start) {
      entry = { start, orders: 0, revenue: [] };
      series.push(entry);
    }
    if (row.currency === null) continue;
    const count = Number(row.orders);
    const amount = Number(row.revenue);
    total += count;
    entry.orders += count;
    for (const s of ORDER_STATUSES) byStatus[s] += Number(row[s]);
    add(captured, row.currency, Number(row.captured));
    add(refunded, row.currency, Number(row.refunded));
    const paid = MONEY_TAKEN_STATUSES.reduce((n, s) => n + Number(row[s]), 0);
    if (paid === 0) continue;
    entry.revenue.push({ currency: row.currency, amount });
    revenue.set(row.currency, (revenue.get(row.currency) ?? 0) + amount);
    paidOrders.set(row.currency, (paidOrders.get(row.currency) ?? 0) + paid);
  }
  const average = new Map([...revenue].map(([currency, amount]) => [currency, Math.round(amount / paidOrders.get(currency)!)]));
  return {
    orders: total,
    byStatus,
    revenue: amountsOf(revenue),
    averageOrder: amountsOf(average),
    captured: amountsOf(captured),
    refunded: amountsOf(refunded),
    series,
  };
}

/** Sums per currency as the answer lists them, by currency code. */
const amountsOf = (sums: Map<string, number>): CurrencyAmount[] => [...sums.keys()].sort().map((currency) => ({ currency, amount: sums.get(currency)! }));

/**
 * The products most sold by units in the orders created in [from, to) that took money: the top
 * SKUs are ranked over all currencies, then their lines summed per currency. A product renamed
 * during the range is shown by the name its latest order gave it.
 */
export async function topProducts(q: Queryable, { from, to }: Pick<StatsRange, 'from' | 'to'>): Promise<StatsTopProduct[]> {
  const { rows } = await q.execute<ProductRow>(sql`
    with lines as (
      select ${orderItems.sku} as sku, ${orderItems.name} as name, ${orderItems.quantity} as quantity,
        ${orderItems.quantity}::bigint * ${orderItems.unitPrice} as amount, ${orders.currency} as currency,
        ${orders.createdAt} as created_at, ${orders.number} as number
      from ${orderItems} join ${orders} on ${orders.id} = ${orderItems.orderId}
      where ${orders.createdAt} >= ${from.toISOString()}::timestamptz and ${orders.createdAt} < ${to.toISOString()}::timestamptz
        and ${orders.status} in (${moneyTaken})
    ), top as (
      select sku, (array_agg(name order by created_at desc, number desc))[1] as name, sum(quantity)::bigint as units
      from lines group by sku
      order by units desc, sku
      limit ${STATS_TOP_PRODUCTS}
    )
    select top.sku, top.name, top.units, lines.currency, sum(lines.amount)::bigint as revenue
    from top join lines on lines.sku = top.sku
    group by top.sku, top.name, top.units, lines.currency
    order by top.units desc, top.sku, lines.currency
  `);
  const products: StatsTopProduct[] = [];
  for (const row of rows) {
    let product = products.at(-1);
    if (product?.sku !== row.sku) {
      product = { sku: row.sku, name: row.name, units: Number(row.units), revenue: [] };
      products.push(product);
    }
    product.revenue.push({ currency: row.currency, amount: Number(row.revenue) });
  }
  return products;
}
