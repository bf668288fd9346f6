import { describe, expect, it } from 'vitest';
import { addDays, dayOf, parseDay } from './local-day';

describe('local calendar days', () => {
  it('reads a day as its local midnight', () => {
    expect(parseDay('2026-02-28')).toEqual(new Date(2026, 1, 28));
    expect(parseDay('2028-02-29')).toEqual(new Date(2028, 1, 29));
  });

  it('refuses a day that does not exist rather than rolling it over', () => {
    expect(parseDay('2026-02-31')).toBeUndefined();
    expect(parseDay('2026-02-29')).toBeUndefined();
    expect(parseDay('2026-13-01')).toBeUndefined();
    expect(parseDay('2026-00-10')).toBeUndefined();
  });

  it('refuses what is not written YYYY-MM-DD', () => {
    for (const text of [null, '', '2026-2-3', '2026-02-03T00:00', ' 2026-02-03', 'today']) expect(parseDay(text)).toBeUndefined();
  });

  it('writes a day back as it was read, and counts days on the calendar', () => {
    expect(dayOf(parseDay('2026-03-08')!)).toBe('2026-03-08');
    expect(dayOf(addDays(new Date(2026, 1, 28), 1))).toBe('2026-03-01');
    expect(addDays(new Date(2026, 0, 31, 15, 30), -31)).toEqual(new Date(2025, 11, 31, 15, 30));
  });
});
