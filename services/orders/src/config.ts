import { authConfigSpec } from '@pedidos/platform/auth';
import { commonConfigSpec, int, port, url } from '@pedidos/platform/config';

export const ordersConfigSpec = {
  ...commonConfigSpec,
  ...authConfigSpec,
  PORT: port(5000),
  /** Where the catalog is copied from at startup (events keep it current afterwards). */
  INVENTORY_URL: url(['http:', 'https:'], 'http://127.0.0.1:5001'),
  /** A pending order with no answer from inventory this long is rejected as `expired`. */
  ORDER_TIMEOUT_MS: int({ min: 1000, default: 15 * 60_000 }),
  EXPIRY_SWEEP_MS: int({ min: 100, default: 10_000 }),
  /** Messages in flight per consumer, and so the largest batch a batching consumer applies at once. */
  CONSUMER_PREFETCH: int({ min: 1, max: 1000, default: 100 }),
  /** Live order streams one user may hold open at once, counted by each process on its own; 0 lifts the cap. */
  STREAMS_PER_USER_MAX: int({ min: 0, default: 5 }),
};
