import { authConfigSpec } from '@pedidos/platform/auth';
import { DEVELOPMENT_SECRETS, commonConfigSpec, int, oneOf, port, secret, string, url } from '@pedidos/platform/config';

export const paymentsConfigSpec = {
  ...commonConfigSpec,
  ...authConfigSpec,
  PORT: port(5002),
  /** The card processor behind the PaymentProvider port; the sandbox simulates one. */
  PAYMENT_PROVIDER: oneOf(['sandbox'], 'sandbox'),
  PAYMENT_PROVIDER_URL: url(['http:', 'https:'], 'http://127.0.0.1:5009'),
  PAYMENT_PROVIDER_API_KEY: secret(string(DEVELOPMENT_SECRETS.PAYMENT_PROVIDER_API_KEY)),
  /** Verifies the provider's webhooks; a comma list while a secret is rotated (any of them verifies). */
  PAYMENT_WEBHOOK_SECRET: secret(string(DEVELOPMENT_SECRETS.PAYMENT_WEBHOOK_SECRET)),
  /** How long a call to the provider may take before its outcome counts as unknown (and is asked again). */
  PROVIDER_TIMEOUT_MS: int({ min: 100, max: 120_000, default: 5000 }),
  /** How long an operation may stay unanswered (a lost answer, a crash, an outcome promised by webhook) before the reconciler asks the provider. */
  RECONCILE_AFTER_MS: int({ min: 100, default: 30_000 }),
  RECONCILE_INTERVAL_MS: int({ min: 100, default: 5000 }),
  /**
   * When the money is taken: `on-ship` (the authorization holds it until the order ships, the
   * default) or `on-authorize` (at once, for goods that leave at once; a cancel then refunds).
   */
  CAPTURE: oneOf(['on-ship', 'on-authorize'], 'on-ship'),
  /** Messages in flight per consumer. */
  CONSUMER_PREFETCH: int({ min: 1, max: 1000, default: 100 }),
};
