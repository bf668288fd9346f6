import type { Order, Shortage } from '@pedidos/contracts/orders';
import type { CartLine } from './cart-store';

/** What a retry changed against the order, for the cart to say. */
export interface RetryAdjustments {
  lowered: { sku: string; name: string; quantity: number }[];
  leftOut: { sku: string; name: string }[];
}

/**
 * An out-of-stock order's lines as a new cart: each short line lowered to what was available,
 * lines with none available left out, the others as ordered.
 */
export function retryLines(order: Pick<Order, 'items' | 'currency'>, shortages: Shortage[]): { lines: CartLine[] } & RetryAdjustments {
  const lines: CartLine[] = [];
  const adjustments: RetryAdjustments = { lowered: [], leftOut: [] };
  for (const item of order.items) {
    const short = shortages.find((s) => s.sku === item.sku);
    const quantity = short ? Math.min(item.quantity, short.available) : item.quantity;
    if (quantity < 1) {
      adjustments.leftOut.push({ sku: item.sku, name: item.name });
      continue;
    }
    if (quantity < item.quantity) adjustments.lowered.push({ sku: item.sku, name: item.name, quantity });
    lines.push({ sku: item.sku, name: item.name, unitPrice: item.unitPrice, currency: order.currency, quantity });
  }
  return { lines, ...adjustments };
}
