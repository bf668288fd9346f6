import { useFormat } from '../lib/format';

/** A moment in the language's one date style; `precise` adds the seconds, for steps moments apart. */
export function DateTime({ value, precise = false }: { value: string; precise?: boolean }) {
  const format = useFormat();
  return <time dateTime={value}>{precise ? format.preciseTime(value) : format.dateTime(value)}</time>;
}
