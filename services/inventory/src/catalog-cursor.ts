import { SKU_PATTERN } from '@pedidos/contracts/common';
import { decodeCursor, encodeCursor } from '@pedidos/platform/cursor';
import { LAST_RANK, type ProductKey } from './db/product-rows';

// A catalog cursor carries the whole key of the page's last product, not just its SKU, so a
// product renamed between two pages neither moves the next page nor makes it fail.
export const encodeProductCursor = ({ rank, searchName, sku }: ProductKey) => encodeCursor(JSON.stringify([rank, searchName, sku]));

/** The API's `single-line-text`: PostgreSQL refuses a NUL, and a lone surrogate is no text. */
const PRINTABLE = /^[^\p{Cc}\p{Cs}\uFEFF]*$/u;

const isRank = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= LAST_RANK;

function parseKey(text: string): ProductKey | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [rank, searchName, sku] = value as unknown[];
  if (!isRank(rank) || typeof searchName !== 'string' || !PRINTABLE.test(searchName) || typeof sku !== 'string' || !SKU_PATTERN.test(sku)) return undefined;
  return { rank, searchName, sku };
}

/** The key inside a cursor this API returned; anything else is the platform's REQUEST.BAD_CURSOR. */
export const decodeProductCursor = (cursor: string): ProductKey => parseKey(decodeCursor(cursor, (key) => parseKey(key) !== undefined))!;
