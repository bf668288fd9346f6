import { SANDBOX_CARDS, type SandboxCard } from '@pedidos/contracts/payments';

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
}

function behaviourOf(card: SandboxCard): CardBehaviour {
  switch (card.outcome) {
    case 'succeeds':
      return { kind: 'authorized' };
    case 'declined':
    case 'insufficientFunds':
      return { kind: 'declined', code: card.declineCode };
    case 'timeout':
      return { kind: 'slow' };
    case 'async':
      return { kind: 'async' };
  }
}

/** The cards of the contract (SANDBOX_CARDS), as the sandbox acts on them. */
export const TEST_CARDS: readonly TestCard[] = SANDBOX_CARDS.map((card) => ({
  paymentMethod: card.paymentMethod, number: card.number, brand: card.brand, last4: card.number.slice(-4), behaviour: behaviourOf(card),
}));

export function findTestCard(paymentMethod: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.paymentMethod === paymentMethod);
}
