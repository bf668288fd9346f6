/** Every orders query lives under `orders`, so the live stream can update all of them at once. */
export const orderKeys = {
  all: ['orders'] as const,
  lists: () => ['orders', 'list'] as const,
  list: (params: { scope: 'mine' | 'all'; status?: string; q?: string; from?: string; to?: string; sort?: string; cursor?: string }) => ['orders', 'list', params] as const,
  /** The count and sum of a filtered list; kept apart from `lists()`, whose entries hold orders. */
  summaries: () => ['orders', 'summary'] as const,
  summary: (params: { status?: string; q?: string; from?: string; to?: string }) => ['orders', 'summary', params] as const,
  details: () => ['orders', 'detail'] as const,
  detail: (id: string) => ['orders', 'detail', id] as const,
  /** The back office's timeline of one order: its status changes and staff notes (never a customer's). */
  activity: (id: string) => ['orders', 'activity', id] as const,
  dashboard: () => ['orders', 'dashboard'] as const,
  /** Under `dashboard`, so whatever refreshes the dashboard refreshes its figures. */
  stats: (params: { from: string; to: string; bucket: string; tz: string }) => ['orders', 'dashboard', 'stats', params] as const,
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

/** The endpoints and their deliveries; whatever changes an endpoint refreshes everything under `all`. */
export const webhookKeys = {
  all: ['webhooks'] as const,
  list: () => ['webhooks', 'list'] as const,
  deliveries: (id: string) => ['webhooks', 'deliveries', id] as const,
  deliveryPage: (id: string, cursor: string | undefined) => ['webhooks', 'deliveries', id, cursor ?? null] as const,
};
