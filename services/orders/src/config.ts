import { authConfigSpec } from '@pedidos/platform/auth';
import { bool, commonConfigSpec, int, port, url } from '@pedidos/platform/config';

export const ordersConfigSpec = {
  ...commonConfigSpec,
  ...authConfigSpec,
  PORT: port(5000),
  /** Where the catalog is copied from at startup (events keep it current afterwards). */
  INVENTORY_URL: url(['http:', 'https:'], 'http://127.0.0.1:5001'),
  /** A pending order with no answer from inventory this long is rejected as `expired`. */
  ORDER_TIMEOUT_MS: int({ min: 1000, default: 15 * 60_000 }),
  EXPIRY_SWEEP_MS: int({ min: 100, default: 10_000 }),
  /** Orders waiting to be confirmed or rejected at which new ones wait at the door (admission control); 0 lifts the bound. */
  MAX_PENDING_ORDERS: int({ min: 0, default: 500 }),
  /** How long a new order waits for room under MAX_PENDING_ORDERS before it is refused with 503. */
  ADMISSION_WAIT_MS: int({ min: 0, max: 60_000, default: 5_000 }),
  /** Messages in flight per consumer, and so the largest batch a batching consumer applies at once. */
  CONSUMER_PREFETCH: int({ min: 1, max: 1000, default: 100 }),
  /** Live order streams one user may hold open at once, counted by each process on its own; 0 lifts the cap. */
  STREAMS_PER_USER_MAX: int({ min: 0, default: 5 }),
  /** How long a process keeps receiving order changes after its last live stream closed (its queue then goes). */
  LIVE_FEED_IDLE_MS: int({ min: 0, default: 60_000 }),
  /** Lets webhooks reach private, loopback and link-local addresses: for tests and development only. */
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  /** How long a webhook delivery is retried before it is marked failed (replayable by hand). */
  WEBHOOK_RETRY_FOR_MS: int({ min: 1000, default: 24 * 60 * 60_000 }),
  /** The first retry's delay; each next one doubles, with jitter, up to an hour. */
  WEBHOOK_RETRY_MIN_MS: int({ min: 10, default: 5_000 }),
  /** One attempt's limit, from connecting to the end of the answer. */
  WEBHOOK_TIMEOUT_MS: int({ min: 100, max: 60_000, default: 10_000 }),
  /** How often the dispatcher looks for due deliveries when nothing woke it. */
  WEBHOOK_POLL_MS: int({ min: 10, max: 60_000, default: 1_000 }),
  /** How often a process makes the broker's routes to the webhook queue match the endpoints again (they change with every registration and removal too). */
  WEBHOOK_ROUTES_CHECK_MS: int({ min: 100, max: 3_600_000, default: 30_000 }),
};
