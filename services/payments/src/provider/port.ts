/**
 * What the payments service needs from a card processor. A Stripe or Adyen adapter implements
 * it the way the sandbox does: every call carries an idempotency key the service derives from
 * the payment and the operation, so a call repeated after a crash or a timeout returns the first
 * call's outcome and never moves money twice.
 */
export interface PaymentProvider {
  /** The name in `POST /api/payments/webhooks/{provider}`. */
  readonly name: string;
  /** Places a hold of `amount` on the card; the outcome may arrive later by webhook (`pending`). */
  authorize(request: AuthorizeRequest): Promise<Authorization>;
  /** Takes the held money. */
  capture(request: { key: string; reference: string; amount: number }): Promise<OperationResult>;
  /** Lets the hold go. */
  void(request: { key: string; reference: string }): Promise<OperationResult>;
  /** Gives back part or all of what was captured. */
  refund(request: { key: string; reference: string; amount: number }): Promise<OperationResult>;
  /** The authorization made with idempotency key `key`, as the provider knows it now; null if it never arrived. */
  get(key: string): Promise<Authorization | null>;
  /**
   * Checks a webhook's signature and age and reads the events it carries (one at Stripe, several
   * at Adyen); throws `InvalidWebhook` otherwise.
   */
  parseWebhook(headers: Record<string, string | string[] | undefined>, rawBody: string): WebhookEvent[];
}

export interface AuthorizeRequest {
  key: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  /** Shown in the provider's dashboard and echoed in webhooks. */
  orderId: string;
}

export interface Card {
  brand: string;
  last4: string;
}

export type Authorization =
  | ({ status: 'authorized' | 'captured' | 'voided'; reference: string; captured: number; refunded: number } & Card)
  | ({ status: 'declined'; reference: string; code: string } & Partial<Card>)
  /** Accepted, outcome to follow by webhook (3-D Secure, a bank's late answer). */
  | ({ status: 'pending'; reference: string } & Partial<Card>);

export interface OperationResult {
  /** The provider's id of this operation (a capture, a void, a refund). */
  reference: string;
}

export type WebhookEvent = {
  /** Unique per event; a redelivery carries the same id. */
  id: string;
  /** The authorization this is about, and the idempotency key it was made with. */
  reference: string;
  key: string;
  /** The order it was made for, as `authorize` gave it (a Stripe adapter would read it from the intent's metadata). */
  orderId: string;
} & (
  | ({ type: 'authorization.succeeded' } & Card)
  | ({ type: 'authorization.declined'; code: string } & Partial<Card>)
  | { type: 'capture.succeeded' | 'void.succeeded'; operation: string }
  | { type: 'refund.succeeded'; operation: string; amount: number }
);

/**
 * The outcome is unknown (timeout, connection lost, a 5xx): the same call with the same key may
 * be tried again, and the provider answers it as it answered (or will answer) the first.
 */
export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable';
}

/** The provider said no for good (a refund beyond what was captured, an unknown payment method). */
export class ProviderRefused extends Error {
  override readonly name = 'ProviderRefused';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** A webhook whose signature does not verify, is too old, or cannot be read: answered 401, never applied. */
export class InvalidWebhook extends Error {
  override readonly name = 'InvalidWebhook';
}
