import type { Product } from '@pedidos/contracts/inventory';
import type { Order, OrderStatus } from '@pedidos/contracts/orders';

export const LOW_STOCK_BELOW = 10;
const MINUTE = 60_000;

export type MinuteBucket = { minute: number } & Record<OrderStatus, number>;

const emptyCounts = (): Record<OrderStatus, number> => ({ pending: 0, confirmed: 0, shipped: 0, delivered: 0, rejected: 0, cancelled: 0 });

/** Orders created in each of the `minutes` whole minutes up to `now`, by their current status. */
export function ordersPerMinute(orders: Order[], now: number, minutes = 60): MinuteBucket[] {
  const last = Math.floor(now / MINUTE) * MINUTE;
  const first = last - (minutes - 1) * MINUTE;
  const buckets: MinuteBucket[] = Array.from({ length: minutes }, (_, i) => ({ minute: first + i * MINUTE, ...emptyCounts() }));
  for (const order of orders) {
    const index = Math.floor((Date.parse(order.createdAt) - first) / MINUTE);
    const bucket = buckets[index];
    if (bucket) bucket[order.status]++;
  }
  return buckets;
}

/** Units ordered per product, best sellers first; rejected and cancelled orders sold nothing. */
export function topProducts(orders: Order[], limit = 8): { sku: string; name: string; units: number }[] {
  const units = new Map<string, { sku: string; name: string; units: number }>();
  for (const order of orders) {
    if (order.status === 'rejected' || order.status === 'cancelled') continue;
    for (const item of order.items) {
      const entry = units.get(item.sku) ?? { sku: item.sku, name: item.name, units: 0 };
      entry.units += item.quantity;
      units.set(item.sku, entry);
    }
  }
  return [...units.values()].sort((a, b) => b.units - a.units || a.name.localeCompare(b.name)).slice(0, limit);
}

export function lowStock(products: Product[]): Product[] {
  return products.filter((p) => p.available < LOW_STOCK_BELOW).sort((a, b) => a.available - b.available || a.sku.localeCompare(b.sku));
}

export function statusTotals(orders: Order[]): Record<OrderStatus, number> {
  const totals = emptyCounts();
  for (const order of orders) totals[order.status]++;
  return totals;
}

/** Money the payments service took and gave back for these orders, from the summary each order carries. */
export function paymentTotals(orders: Order[]): { captured: number; refunded: number } {
  let captured = 0;
  let refunded = 0;
  for (const order of orders) {
    captured += order.payment?.captured ?? 0;
    refunded += order.payment?.refunded ?? 0;
  }
  return { captured, refunded };
}
