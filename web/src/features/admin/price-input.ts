/** "49.90", "49,90" or "49" → 4990 minor units; null for anything else (no thousands separators). */
export function parsePrice(text: string): number | null {
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** 4990 → "49.90" (or "49,90" in pt-BR), the form parsePrice reads back. */
export function priceInputValue(minor: number, locale: string): string {
  const text = (minor / 100).toFixed(2);
  return locale.startsWith('pt') ? text.replace('.', ',') : text;
}
