import { useFormat } from '../lib/format';

export function DateTime({ value, precise = false }: { value: string; precise?: boolean }) {
  const format = useFormat();
  return <time dateTime={value}>{precise ? format.preciseTime(value) : format.dateTime(value)}</time>;
}
