import { authConfigSpec } from '@pedidos/platform/auth';
import { bool, commonConfigSpec, int, port } from '@pedidos/platform/config';

export const inventoryConfigSpec = {
  ...commonConfigSpec,
  ...authConfigSpec,
  PORT: port(5001),
  /** Load the demo catalog when the product table is empty. */
  SEED_DEMO_DATA: bool(true),
  /** Messages in flight per consumer, and so the largest batch a batching consumer applies at once. */
  CONSUMER_PREFETCH: int({ min: 1, max: 1000, default: 100 }),
};
