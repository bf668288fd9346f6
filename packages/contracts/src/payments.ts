import { Type, type Static } from 'typebox';
import { Currency, Money, SingleLineText, Timestamp, Uuid } from './common';

/**
 * `authorizing` → `authorized` → `captured` → `partially_refunded` | `refunded`;
 * `authorizing` → `declined` | `failed`; `authorized` → `voided`.
 */
export const PAYMENT_STATUSES = ['authorizing', 'authorized', 'captured', 'partially_refunded', 'refunded', 'declined', 'failed', 'voided'] as const;
export const PaymentStatus = Type.Enum(PAYMENT_STATUSES);
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A provider's payment-method token, e.g. `pm_card_visa`: never a card number. */
export const PaymentMethod = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_]+$',
  description: "the payment provider's token for the card (the sandbox takes Stripe's test names, e.g. `pm_card_visa`)",
});

/**
 * The payment sandbox's test cards: the number a customer types, the payment-method name the card
 * form turns it into (as a real provider's hosted fields do), and what the sandbox then does.
 * Stripe's names where Stripe has one; the sandbox knows no other card.
 */
export const SANDBOX_CARDS = [
  { paymentMethod: 'pm_card_visa', number: '4242424242424242', brand: 'visa', outcome: 'succeeds' },
  { paymentMethod: 'pm_card_mastercard', number: '5555555555554444', brand: 'mastercard', outcome: 'succeeds' },
  { paymentMethod: 'pm_card_chargeDeclined', number: '4000000000000002', brand: 'visa', outcome: 'declined', declineCode: 'card_declined' },
  { paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds', number: '4000000000009995', brand: 'visa', outcome: 'insufficientFunds', declineCode: 'insufficient_funds' },
  /** Authorized at once, but the first answer per idempotency key comes after the client gave up. */
  { paymentMethod: 'pm_card_sandbox_timeout', number: '4000000000000077', brand: 'visa', outcome: 'timeout' },
  /** Pending; the outcome follows only by webhook (3-D Secure, a bank's late answer). */
  { paymentMethod: 'pm_card_sandbox_async', number: '4000002500003155', brand: 'visa', outcome: 'async' },
] as const;
export type SandboxCard = (typeof SANDBOX_CARDS)[number];

export const LEDGER_KINDS = ['authorization', 'decline', 'failure', 'capture', 'void', 'refund'] as const;
export const LedgerKind = Type.Enum(LEDGER_KINDS);
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One change of a payment's money, as the provider confirmed it. */
export const LedgerEntry = Type.Object({
  kind: LedgerKind,
  amount: Money,
  at: Timestamp,
  actor: Type.Union([Uuid, Type.Null()], { description: 'the admin who refunded; null when the saga did it' }),
  providerReference: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'a refund\'s reason, a decline\'s code' }),
});
export type LedgerEntry = Static<typeof LedgerEntry>;

/** What an order shows of its payment (`Order.payment`) and what every `payment.*` event carries. */
export const PaymentSummary = Type.Object({
  status: PaymentStatus,
  amount: Money,
  captured: Money,
  refunded: Money,
  brand: Type.Union([Type.String(), Type.Null()]),
  last4: Type.Union([Type.String({ pattern: '^[0-9]{4}$' }), Type.Null()]),
});
export type PaymentSummary = Static<typeof PaymentSummary>;

export const Payment = Type.Object({
  orderId: Uuid,
  ...PaymentSummary.properties,
  currency: Currency,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  ledger: Type.Array(LedgerEntry, { description: 'oldest first' }),
});
export type Payment = Static<typeof Payment>;

export const PaymentParams = Type.Object({ orderId: Uuid }, { additionalProperties: false });

export const RefundBody = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'minor units; at most what was captured and not yet refunded' }),
    reason: SingleLineText({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type RefundBody = Static<typeof RefundBody>;

export const WebhookParams = Type.Object({ provider: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }) }, { additionalProperties: false });
