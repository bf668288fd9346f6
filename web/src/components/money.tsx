import { useFormat } from '../lib/format';

export function Money({ value, currency = 'BRL' }: { value: number; currency?: string }) {
  const format = useFormat();
  return <span className="money">{format.money(value, currency)}</span>;
}
