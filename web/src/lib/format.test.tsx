import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useFormat } from './format';
import { changeLanguage } from './i18n';

const spaced = (text: string) => text.replace(/\s/g, ' ');

describe('money in the reader’s language', () => {
  it('writes a sum in several currencies as one amount per currency, never added up', () => {
    const { result } = renderHook(() => useFormat());
    expect(result.current.amounts([{ amount: 123400, currency: 'BRL' }, { amount: 500, currency: 'USD' }])).toBe('R$1,234.00 + $5.00');
    expect(result.current.amounts([])).toBe('');
  });

  it('in Portuguese, with Brazilian separators', async () => {
    await changeLanguage('pt-BR');
    const { result } = renderHook(() => useFormat());
    expect(spaced(result.current.amounts([{ amount: 123400, currency: 'BRL' }, { amount: 500, currency: 'USD' }]))).toBe('R$ 1.234,00 + US$ 5,00');
  });
});
