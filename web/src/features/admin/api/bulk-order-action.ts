import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Order } from '@pedidos/contracts/orders';
import { orderKeys } from '../../../lib/query-keys';
import { storeOrder } from '../../../lib/update-order-cache';
import { runOrderAction, type OrderAction } from './order-action';

/** How many orders are sent at once: quick for a page of them, without flooding the service. */
const AT_ONCE = 3;

export type BulkOutcome = { id: string; number: number; ok: true; order: Order } | { id: string; number: number; ok: false; error: unknown };

/** `action` tried on each order, a few at a time; one refusal does not stop the others. Outcomes in the orders' order. */
async function runBulkAction(orders: { id: string; number: number }[], action: OrderAction, onOrder: (order: Order) => void = () => {}): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = new Array(orders.length);
  let next = 0;
  const worker = async () => {
    while (next < orders.length) {
      const i = next++;
      const { id, number } = orders[i]!;
      try {
        const order = await runOrderAction(id, action);
        onOrder(order);
        outcomes[i] = { id, number, ok: true, order };
      } catch (error) {
        outcomes[i] = { id, number, ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, orders.length) }, worker));
  return outcomes;
}

export function useBulkOrderAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ orders, action }: { orders: { id: string; number: number }[]; action: OrderAction }) =>
      runBulkAction(orders, action, (order) => storeOrder(queryClient, order)),
    // The lists and their totals are read again: only the server knows which orders a filter now selects.
    onSettled: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: orderKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: orderKeys.summaries() }),
    ]),
  });
}
