import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { intlLocale } from './i18n';

/** Money and times in the current language; money arrives in minor units (centavos). */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = intlLocale(i18n.language);
  return useMemo(() => {
    const currencies = new Map<string, Intl.NumberFormat>();
    // One date style per language across the app; the precise form only adds the seconds.
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const preciseTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    const number = new Intl.NumberFormat(locale);
    const money = (minor: number, currency = 'BRL') => {
      let format = currencies.get(currency);
      if (!format) currencies.set(currency, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
      return format.format(minor / 100);
    };
    return {
      locale,
      money,
      /** A sum in several currencies, which cannot be added up: one amount per currency, joined with "+". */
      amounts: (list: readonly { amount: number; currency: string }[]) => list.map((a) => money(a.amount, a.currency)).join(' + '),
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      preciseTime: (iso: string) => preciseTime.format(new Date(iso)),
      number: (value: number) => number.format(value),
    };
  }, [locale]);
}
