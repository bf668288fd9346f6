import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { bigint, bigserial, check, customType, index, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@pedidos/platform/messaging/tables';
import type { ReservationStatus } from '../domain/reservation';

/** Everything the inventory service owns lives in this schema; no other service reads it. */
export const inventorySchema = pgSchema('inventory');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Text as search compares it: compatibility-decomposed (NFKD), its combining accents
 * (U+0300–U+036F) stripped, lower case, so "Pão", "PAO" and "pao" are one key. Written in SQL, not TypeScript, so the stored
 * column and the searched text go through the very same function, whoever writes the row.
 */
export const searchKey = (text: SQLWrapper): SQL => sql`lower(regexp_replace(normalize(${text}, NFKD), '[\\u0300-\\u036f]', '', 'g'))`;

export const products = inventorySchema.table(
  'products',
  {
    sku: text('sku').primaryKey(),
    name: text('name').notNull(),
    price: bigint('price', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    onHand: integer('on_hand').notNull(),
    reserved: integer('reserved').notNull().default(0),
    updatedAt: at('updated_at').notNull(),
    description: text('description'),
    /** The hash of its image in product_images, written in the same transaction, so every read of a product knows its image URL without a join. */
    imageHash: text('image_hash'),
    // Generated, so every write path (and the migration that added it, for the rows already
    // there) keeps it in step with the name: no code can forget it.
    searchName: text('search_name').notNull().generatedAlwaysAs(searchKey(sql`"name"`)),
  },
  (t) => [
    // The last line of defence against overselling: the database itself refuses it.
    check('products_stock_check', sql`${t.reserved} >= 0 AND ${t.onHand} >= ${t.reserved}`),
    // The catalog's order, in code-point order so both database shapes page alike.
    index('products_search_name_idx').on(sql`${t.searchName} COLLATE "C"`, sql`${t.sku} COLLATE "C"`),
  ],
);

// node-postgres reads bytea as a Buffer, PGlite as a Uint8Array: one type for the code either way.
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/**
 * Product images live in the database, not on disk: the service runs as several replicas (and
 * embedded in one process on PGlite), and the database is the one store all of them share.
 */
export const productImages = inventorySchema.table('product_images', {
  sku: text('sku').primaryKey().references(() => products.sku),
  contentType: text('content_type').notNull(),
  bytes: bytea('bytes').notNull(),
  /** SHA-256 of the bytes, hex: the ETag, and the version in the product's imageUrl. */
  hash: text('hash').notNull(),
  updatedAt: at('updated_at').notNull(),
});

/** What inventory holds for each order it has heard of (a tombstone when the cancel came first). */
export const reservations = inventorySchema.table('reservations', {
  orderId: uuid('order_id').primaryKey(),
  status: text('status').$type<ReservationStatus>().notNull(),
  items: jsonb('items').$type<{ sku: string; quantity: number }[]>().notNull(),
  updatedAt: at('updated_at').notNull(),
});

/** The stock ledger: one row per change, with the levels it left behind. */
export const movements = inventorySchema.table(
  'movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sku: text('sku').notNull().references(() => products.sku),
    kind: text('kind').notNull(),
    quantity: integer('quantity').notNull(),
    orderId: uuid('order_id'),
    reason: text('reason'),
    /** Who caused it: the admin's id for adjustments; null for what the system does for an order. */
    actor: uuid('actor'),
    onHand: integer('on_hand').notNull(),
    reserved: integer('reserved').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('movements_sku_idx').on(t.sku, t.id.desc())],
);

export const outbox = outboxTable(inventorySchema);
export const inbox = inboxTable(inventorySchema);
