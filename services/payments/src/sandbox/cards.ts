/**
 * The sandbox's test payment methods, by Stripe's names where Stripe has one. The web app's docs
 * and the tests list this table; the sandbox knows no other card.
 */

export type CardBehaviour =
  | { kind: 'authorized' }
  | { kind: 'declined'; code: string }
  /** Authorized at once, but the first answer per idempotency key is held for `slowMs`: the client times out, its retry succeeds. */
  | { kind: 'slow' }
  /** Answered `pending`; authorized after `asyncDelayMs`, which only a webhook tells. */
  | { kind: 'async' };

export interface TestCard {
  paymentMethod: string;
  number: string;
  brand: string;
  last4: string;
  behaviour: CardBehaviour;
  description: string;
}

const card = (paymentMethod: string, brand: string, number: string, behaviour: CardBehaviour, description: string): TestCard =>
  ({ paymentMethod, number, brand, last4: number.slice(-4), behaviour, description });

export const TEST_CARDS: readonly TestCard[] = [
  card('pm_card_visa', 'visa', '4242424242424242', { kind: 'authorized' }, 'Authorized.'),
  card('pm_card_mastercard', 'mastercard', '5555555555554444', { kind: 'authorized' }, 'Authorized.'),
  card('pm_card_chargeDeclined', 'visa', '4000000000000002', { kind: 'declined', code: 'card_declined' }, 'Declined: card_declined.'),
  card(
    'pm_card_chargeDeclinedInsufficientFunds', 'visa', '4000000000009995',
    { kind: 'declined', code: 'insufficient_funds' }, 'Declined: insufficient_funds.',
  ),
  card(
    'pm_card_sandbox_timeout', 'visa', '4000000000000077', { kind: 'slow' },
    'Authorized, but the first answer comes after the client gave up; the same idempotency key again answers at once.',
  ),
  card(
    'pm_card_sandbox_async', 'visa', '4000002500003155', { kind: 'async' },
    'Pending; authorized a moment later, told only by the authorization.succeeded webhook.',
  ),
];

export function findTestCard(paymentMethod: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.paymentMethod === paymentMethod);
}
