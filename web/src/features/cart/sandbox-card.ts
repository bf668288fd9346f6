import { SANDBOX_CARDS } from '@pedidos/contracts/payments';

/**
 * What a payment provider's hosted fields do in the browser: the card number is checked and turned
 * into the provider's payment-method token here, and only the token, the brand and the last four
 * digits go further. The sandbox knows its test cards only (SANDBOX_CARDS in the contracts).
 */

export const TEST_CARDS = SANDBOX_CARDS;

export interface CardInput {
  number: string;
  expiry: string;
  cvc: string;
}

/** What leaves the card form: never the number. */
export interface TokenizedCard {
  paymentMethod: string;
  brand: string;
  last4: string;
}

export type CardProblem = 'required' | 'invalid' | 'notTestCard' | 'past';
export type CardErrors = Partial<Record<keyof CardInput, CardProblem>>;

const MAX_DIGITS = 19;

export const cardDigits = (text: string) => text.replace(/\D/g, '').slice(0, MAX_DIGITS);

/** "4242424242424242" → "4242 4242 4242 4242", as printed on the card. */
export const formatCardNumber = (text: string) => cardDigits(text).replace(/(\d{4})(?=\d)/g, '$1 ');

/** "1234" → "12/34"; the slash is typed for the user. */
export function formatExpiry(text: string): string {
  const digits = text.replace(/\D/g, '').slice(0, 4);
  return digits.length > 2 ? `${digits.slice(0, 2)}/${digits.slice(2)}` : digits;
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A card is good through the last day of its expiry month. */
function expiryProblem(text: string, now: Date): CardProblem | undefined {
  if (text.trim() === '') return 'required';
  const match = /^(\d{2})\s*\/\s*(\d{2})$/.exec(text.trim());
  if (!match) return 'invalid';
  const month = Number(match[1]);
  if (month < 1 || month > 12) return 'invalid';
  const year = 2000 + Number(match[2]);
  return year * 12 + month < now.getFullYear() * 12 + now.getMonth() + 1 ? 'past' : undefined;
}

/** Checks the fields as the provider would and, when they pass, hands back the token. */
export function tokenizeCard(input: CardInput, now = new Date()): { card: TokenizedCard; errors: null } | { card: null; errors: CardErrors } {
  const errors: CardErrors = {};
  const digits = cardDigits(input.number);
  const testCard = TEST_CARDS.find((c) => c.number === digits);
  if (digits === '') errors.number = 'required';
  else if (!luhnValid(digits)) errors.number = 'invalid';
  else if (!testCard) errors.number = 'notTestCard';
  const expiry = expiryProblem(input.expiry, now);
  if (expiry) errors.expiry = expiry;
  if (input.cvc.trim() === '') errors.cvc = 'required';
  else if (!/^\d{3,4}$/.test(input.cvc.trim())) errors.cvc = 'invalid';
  if (Object.keys(errors).length > 0 || !testCard) return { card: null, errors };
  return { card: { paymentMethod: testCard.paymentMethod, brand: testCard.brand, last4: digits.slice(-4) }, errors: null };
}
