import { describe, expect, it } from 'vitest';
import { formatExpiry, luhnValid, tokenizeCard } from './sandbox-card';

const now = new Date(2026, 10, 29);
const visa = { number: '4242 4242 4242 4242', expiry: '11/26', cvc: '123' };

describe('sandbox card', () => {
  it('keeps only the token, the brand and the last four digits', () => {
    expect(tokenizeCard(visa, now)).toEqual({ card: { paymentMethod: 'pm_card_visa', brand: 'visa', last4: '4242' }, errors: null });
  });

  it('takes a card through the last day of its expiry month, not after', () => {
    expect(tokenizeCard(visa, now).errors).toBeNull();
    expect(tokenizeCard({ ...visa, expiry: '10/26' }, now).errors).toEqual({ expiry: 'past' });
    expect(tokenizeCard({ ...visa, expiry: '13/30' }, now).errors).toEqual({ expiry: 'invalid' });
  });

  it('checks the Luhn digit', () => {
    expect(luhnValid('4000002500003155')).toBe(true);
    expect(luhnValid('4000002500003156')).toBe(false);
    expect(luhnValid('4242')).toBe(false);
  });

  it('types the slash of the expiry for the user', () => {
    expect(formatExpiry('1')).toBe('1');
    expect(formatExpiry('123')).toBe('12/3');
    expect(formatExpiry('12/345')).toBe('12/34');
  });
});
