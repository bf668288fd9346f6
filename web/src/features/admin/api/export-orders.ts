import { useMutation } from '@tanstack/react-query';
import type { OrderSort } from '@pedidos/contracts/orders';
import { apiFetch, errorFromResponse } from '../../../lib/api-client';
import { listQuery, type OrdersFilter } from './get-all-orders';

/** The whole filtered, sorted list as CSV, every page, as the server streams it. */
export async function exportOrders(filter: OrdersFilter, sort: OrderSort | undefined): Promise<Blob> {
  const response = await apiFetch(`/api/orders${listQuery(filter, { sort })}`, { headers: { accept: 'text/csv' } });
  if (!response.ok) throw await errorFromResponse(response);
  return response.blob();
}

/** Hands a file to the browser to save, as a link with `download` would. */
function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the click has been handled: the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function useExportOrders() {
  return useMutation({
    mutationFn: async ({ filter, sort }: { filter: OrdersFilter; sort: OrderSort | undefined }) => {
      saveFile(await exportOrders(filter, sort), `orders-${new Date().toISOString().slice(0, 10)}.csv`);
    },
  });
}
