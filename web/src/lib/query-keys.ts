/** Every orders query lives under `orders`, so the live stream can update all of them at once. */
export const orderKeys = {
  all: ['orders'] as const,
  lists: () => ['orders', 'list'] as const,
  list: (params: { scope: 'mine' | 'all'; status?: string; cursor?: string }) => ['orders', 'list', params] as const,
  details: () => ['orders', 'detail'] as const,
  detail: (id: string) => ['orders', 'detail', id] as const,
  dashboard: () => ['orders', 'dashboard'] as const,
};

export const productKeys = {
  all: ['products'] as const,
  list: (params: { q?: string }) => ['products', 'list', params] as const,
  detail: (sku: string) => ['products', 'detail', sku] as const,
  movements: (sku: string, cursor?: string) => ['products', 'movements', sku, cursor ?? null] as const,
  stats: () => ['products', 'stats'] as const,
};

/** A payment is read by order id; it changes when its order does (see usePayment). */
export const paymentKeys = {
  all: ['payments'] as const,
  detail: (orderId: string) => ['payments', 'detail', orderId] as const,
};
