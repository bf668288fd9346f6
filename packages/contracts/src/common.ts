import { Type } from 'typebox';
import { SKU_MAX_LENGTH, SKU_PATTERN } from './limits';

export { SKU_PATTERN } from './limits';

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC' });
export const Sku = Type.String({
  pattern: SKU_PATTERN.source,
  minLength: 1,
  maxLength: SKU_MAX_LENGTH,
  description: `1-${SKU_MAX_LENGTH} of A-Z 0-9 - _ .`,
});
type TextOptions = { minLength?: number; maxLength: number; description?: string; pattern?: string };

/** Printable text on one line: no control characters, no lone surrogates (the API's `single-line-text` format). */
export const SingleLineText = (opts: TextOptions) => Type.String({ ...opts, format: 'single-line-text' });

/** Printable text that may span lines: tab, CR and LF are its only control characters (`multi-line-text`). */
export const MultiLineText = (opts: TextOptions) => Type.String({ ...opts, format: 'multi-line-text' });

export const Money = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'minor units (centavos)' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, default BRL' });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'the `nextCursor` of the previous page' })),
};

export const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last' }),
  });

/** What an operator watches on each service: events not yet published, and parked messages. */
export const OperationsReport = Type.Object({
  outbox: Type.Object({
    backlog: Type.Integer({ minimum: 0, description: 'events committed but not yet published' }),
    oldestAgeSeconds: Type.Number({ minimum: 0 }),
  }),
  deadLetters: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'messages parked in each consumed queue\'s DLQ' }),
});
