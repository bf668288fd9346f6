import { createHash } from 'node:crypto';
import type { Db, Tx } from '@pedidos/platform/db';
import { cloudEvent, type CloudEvent, type Outbox } from '@pedidos/platform/messaging';
import { DomainError } from '@pedidos/platform/errors';
import { EXCHANGES, SOURCES, parseEventData, type EventData, type EventType } from '@pedidos/contracts/events';
import {
  PRODUCT_IMAGE_UPLOAD_TYPES, type AdjustmentBody, type CreateProductBody, type ListProductsQuery, type MovementKind, type UpdateProductBody,
} from '@pedidos/contracts/inventory';
import { sniffImageType } from './domain/image-type';
import { deleteImageRow, findImageRow, upsertImageRow } from './db/image-rows';
import { inLockOrder, nextStep, type Line } from './domain/reservation';
import {
  changeLevels, countProducts, findProductRow, insertProduct, lockSeeding, movementPage, productPage, recordMovement, setImageHash, updateProductRow,
  type ProductRow,
} from './db/product-rows';
import {
  claimAndLockOrders, heldFor, lockProducts, rememberCancelled, setReservationStatus, writeReservations, type ReservationWrites,
} from './db/reservation-rows';
import { decodeIntCursor, encodeCursor } from '@pedidos/platform/cursor';
import { decodeProductCursor, encodeProductCursor } from './catalog-cursor';
import { continueTrace } from '@pedidos/platform/trace';

export const toProduct = (p: ProductRow) => ({
  sku: p.sku,
  name: p.name,
  price: p.price,
  currency: p.currency,
  onHand: p.onHand,
  reserved: p.reserved,
  available: p.onHand - p.reserved,
  updatedAt: p.updatedAt.toISOString(),
  description: p.description,
  imageUrl: p.imageHash === null ? null : imageUrl(p.sku, p.imageHash),
});

/** Names an image in its URL: a new image gets a new URL, so a browser may keep the old one's answer for good. */
export const imageVersion = (hash: string) => hash.slice(0, 16);

export const imageUrl = (sku: string, hash: string) => `/api/products/${encodeURIComponent(sku)}/image?v=${imageVersion(hash)}`;

/** Blank text clears a description: null is the one way a product has none. */
const descriptionOf = (text: string | null | undefined) => (text === undefined ? undefined : text?.trim() || null);

/** How a ledger row moved each level: a shipment takes its units out of both. */
const changesOf = (kind: MovementKind, quantity: number) => ({
  onHandChange: kind === 'adjustment' || kind === 'shipment' ? quantity : 0,
  reservedChange: kind === 'adjustment' ? 0 : quantity,
});

const event = <K extends EventType>(type: K, data: EventData<K>, cause?: CloudEvent) =>
  cloudEvent({
    source: SOURCES.inventory,
    type,
    data,
    ...('orderId' in data ? { subject: data.orderId } : 'sku' in data ? { subject: data.sku } : {}),
    traceparent: continueTrace(cause?.traceparent),
  });

export function createInventoryService({ db, outbox, now = () => new Date() }: { db: Db; outbox: Outbox; now?: () => Date }) {
  /** The one place transactions open; events leave through the outbox after commit. */
  async function inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await db.transaction(work);
    outbox.relay.kick();
    return result;
  }

  const publish = (tx: Tx, ...events: CloudEvent[]) => outbox.enqueue(tx, EXCHANGES.inventory, events);

  const upserted = (p: ProductRow) =>
    event('product.upserted', { sku: p.sku, name: p.name, price: p.price, currency: p.currency, updatedAt: p.updatedAt.toISOString() });

  async function record(
    tx: Tx, p: { sku: string; onHand: number; reserved: number }, kind: MovementKind, quantity: number,
    ref: { orderId?: string; reason?: string; actor?: string },
  ) {
    await recordMovement(tx, {
      sku: p.sku, kind, quantity, orderId: ref.orderId ?? null, reason: ref.reason ?? null, actor: ref.actor ?? null,
      onHand: p.onHand, reserved: p.reserved, at: now(),
    });
  }

  async function findProduct(q: Db | Tx, sku: string, lock = false) {
    const row = await findProductRow(q, sku, lock);
    if (!row) throw new DomainError('PRODUCT.NOT_FOUND', `No product has SKU ${sku}.`);
    return row;
  }

  /**
   * order.created facts, applied in one transaction however many: deduplicated by event id, each
   * order reserved all lines or none, in the order the facts came, against stock locked once in SKU
   * order. Two facts about one order in one batch are refused (the batch then goes one by one).
   */
  async function onOrdersCreated(consumer: string, batch: CloudEvent[]) {
    const facts = batch.map((e) => ({ e, data: parseEventData('order.created', e.data) }));
    if (new Set(facts.map((f) => f.data.orderId)).size !== facts.length) throw new Error('two order.created of one order in one batch');
    await inTransaction(async (tx) => {
      const fresh = await claimAndLockOrders(tx, consumer, facts.map((f) => ({ eventId: f.e.id, orderId: f.data.orderId })));
      const claimed = facts.filter((f) => fresh.has(f.e.id));
      if (claimed.length === 0) return;
      const held = new Map((await heldFor(tx, claimed.map((f) => f.data.orderId))).map((r) => [r.orderId, r.status]));
      const todo = claimed.filter((f) => nextStep(held.get(f.data.orderId) ?? null, 'order.created') === 'reserve');
      if (todo.length === 0) return;
      const skus = [...new Set(todo.flatMap((f) => f.data.items.map((i) => i.sku)))].sort();
      const stock = new Map((await lockProducts(tx, skus)).map((p) => [p.sku, { onHand: p.onHand, reserved: p.reserved }]));

      const writes: ReservationWrites = { deltas: [], ledger: [], held: [], events: [], exchange: EXCHANGES.inventory, at: now() };
      const deltas = new Map<string, number>();
      for (const { e, data: { orderId, items } } of todo) {
        const ordered = inLockOrder(items);
        const available = (sku: string) => (stock.has(sku) ? stock.get(sku)!.onHand - stock.get(sku)!.reserved : 0);
        const shortages = ordered.map((l) => ({ sku: l.sku, requested: l.quantity, available: available(l.sku) })).filter((s) => s.available < s.requested);
        const fact = shortages.length > 0
          ? event('stock.rejected', { orderId, reason: 'out_of_stock', shortages }, e)
          : event('stock.reserved', { orderId, items: ordered }, e);
        writes.held.push({ orderId, status: shortages.length > 0 ? 'rejected' : 'reserved', items: shortages.length > 0 ? [] : ordered });
        writes.events.push(fact);
        if (shortages.length > 0) continue;
        for (const line of ordered) {
          const level = stock.get(line.sku)!;
          level.reserved += line.quantity;
          deltas.set(line.sku, (deltas.get(line.sku) ?? 0) + line.quantity);
          writes.ledger.push({ sku: line.sku, quantity: line.quantity, orderId, onHand: level.onHand, reserved: level.reserved });
        }
      }
      writes.deltas = [...deltas].map(([sku, quantity]) => ({ sku, quantity }));
      const taken = await writeReservations(tx, writes);
      if (taken !== writes.deltas.length) throw new Error('stock changed under its row locks');
    });
  }

  /** Gives back what an order holds: to the shelf (release) or out of the building (ship). */
  async function settle(tx: Tx, orderId: string, lines: Line[], kind: 'release' | 'shipment', cause: CloudEvent) {
    for (const line of inLockOrder(lines)) {
      const shipped = kind === 'shipment' ? line.quantity : 0;
      const after = await changeLevels(tx, line.sku, { reserved: -line.quantity, onHand: -shipped }, now());
      if (!after) throw new Error(`reserved product ${line.sku} no longer exists`);
      await record(tx, after, kind, kind === 'release' ? -line.quantity : -shipped, { orderId });
    }
    const status = kind === 'release' ? 'released' : 'shipped';
    await setReservationStatus(tx, orderId, status, now());
    const type = kind === 'release' ? 'stock.released' : 'stock.shipped';
    await publish(tx, event(type, { orderId, items: lines }, cause));
  }

  /** One handler for every order fact: dedupe by event id, serialize per order, then act. */
  async function onOrderFact(consumer: string, e: CloudEvent) {
    const fact = e.type as 'order.created' | 'order.cancelled' | 'order.shipped';
    if (fact === 'order.created') return onOrdersCreated(consumer, [e]);
    const data = parseEventData(fact, e.data);
    await inTransaction(async (tx) => {
      if (!(await claimAndLockOrders(tx, consumer, [{ eventId: e.id, orderId: data.orderId }])).has(e.id)) return;
      const [held] = await heldFor(tx, [data.orderId]);
      switch (nextStep(held?.status ?? null, fact)) {
        case 'release':
          return settle(tx, data.orderId, held!.items, 'release', e);
        case 'ship':
          return settle(tx, data.orderId, held!.items, 'shipment', e);
        case 'remember-cancelled':
          return rememberCancelled(tx, data.orderId, now());
        case 'reserve':
        case 'ignore':
          return;
      }
    });
  }

  return {
    /** By name then SKU; with `q`, only matches, best first (see productPage). */
    async listProducts({ q, limit = 20, cursor }: ListProductsQuery) {
      const after = cursor === undefined ? undefined : decodeProductCursor(cursor);
      const rows = await productPage(db, { search: q, after, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1)!;
      return {
        items: page.map((row) => toProduct(row.product)),
        nextCursor: rows.length > limit ? encodeProductCursor({ rank: last.rank, searchName: last.product.searchName, sku: last.product.sku }) : null,
      };
    },

    async getProduct(sku: string) {
      return toProduct(await findProduct(db, sku));
    },

    async createProduct(body: CreateProductBody, actor: string) {
      return inTransaction(async (tx) => {
        const created = await insertProduct(tx, {
          sku: body.sku, name: body.name, price: body.price, currency: 'BRL', onHand: body.onHand ?? 0, reserved: 0,
          description: descriptionOf(body.description) ?? null, updatedAt: now(),
        });
        if (!created) throw new DomainError('PRODUCT.ALREADY_EXISTS', `A product with SKU ${body.sku} already exists.`);
        if (created.onHand > 0) await record(tx, created, 'adjustment', created.onHand, { reason: 'initial stock', actor });
        await publish(tx, upserted(created));
        return toProduct(created);
      });
    },

    async updateProduct(sku: string, patch: UpdateProductBody) {
      return inTransaction(async (tx) => {
        const updated = await updateProductRow(tx, sku, { ...patch, description: descriptionOf(patch.description) }, now());
        if (!updated) throw new DomainError('PRODUCT.NOT_FOUND', `No product has SKU ${sku}.`);
        await publish(tx, upserted(updated));
        return toProduct(updated);
      });
    },

    async adjustStock(sku: string, { delta, reason }: AdjustmentBody, actor: string) {
      return inTransaction(async (tx) => {
        const current = await findProduct(tx, sku, true);
        if (current.onHand + delta < current.reserved) {
          const maxRemovable = current.onHand - current.reserved;
          throw new DomainError(
            'STOCK.BELOW_RESERVED',
            `At most ${maxRemovable} can be removed: on hand would be ${current.onHand + delta}, below the ${current.reserved} units reserved for orders.`,
            { facts: { maxRemovable, onHand: current.onHand, reserved: current.reserved } },
          );
        }
        const after = await changeLevels(tx, sku, { onHand: delta }, now());
        await record(tx, after!, 'adjustment', delta, { reason, actor });
        return toProduct(after!);
      });
    },

    async listMovements(sku: string, { limit = 20, cursor }: { limit?: number; cursor?: string }) {
      await findProduct(db, sku);
      const before = cursor === undefined ? undefined : decodeIntCursor(cursor);
      const rows = await movementPage(db, { sku, before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        items: page.map((m) => ({ ...m, kind: m.kind as MovementKind, ...changesOf(m.kind as MovementKind, m.quantity), at: m.at.toISOString() })),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null,
      };
    },

    /**
     * Stores a product's image, replacing the one it had. `declaredType` is the request's
     * Content-Type, one of PRODUCT_IMAGE_UPLOAD_TYPES; the type stored is what the bytes are, told
     * by their magic numbers. The product's updatedAt stays: the image is nothing orders copy.
     */
    async putImage(sku: string, declaredType: string, bytes: Buffer) {
      if (!(PRODUCT_IMAGE_UPLOAD_TYPES as readonly string[]).includes(declaredType)) {
        throw new DomainError(
          'IMAGE.UNSUPPORTED_TYPE',
          `The body was sent as ${JSON.stringify(declaredType)}; send an image as ${PRODUCT_IMAGE_UPLOAD_TYPES.join(', ')}.`,
        );
      }
      const actual = sniffImageType(bytes);
      if (actual === undefined) {
        throw new DomainError('IMAGE.UNSUPPORTED_TYPE', `The body sent as ${JSON.stringify(declaredType)} is not a JPEG, PNG or WebP image.`);
      }
      const hash = createHash('sha256').update(bytes).digest('hex');
      return inTransaction(async (tx) => {
        await findProduct(tx, sku, true);
        await upsertImageRow(tx, { sku, contentType: actual, bytes, hash, updatedAt: now() });
        return toProduct((await setImageHash(tx, sku, hash))!);
      });
    },

    /** Removes a product's image; removing none is no error. */
    async deleteImage(sku: string) {
      return inTransaction(async (tx) => {
        await findProduct(tx, sku, true);
        await deleteImageRow(tx, sku);
        return toProduct((await setImageHash(tx, sku, null))!);
      });
    },

    async getImage(sku: string) {
      const image = await findImageRow(db, sku);
      if (!image) throw new DomainError('IMAGE.NOT_FOUND', `Product ${sku} has no image.`);
      return image;
    },

    onOrderFact,
    onOrdersCreated,

    /** Loads a catalog once, on an empty database; running it again changes nothing. */
    async seed(catalog: readonly { sku: string; name: string; price: number; onHand: number }[]) {
      return inTransaction(async (tx) => {
        // Replicas starting together on an empty database take turns: one loads, the others see it.
        await lockSeeding(tx);
        if ((await countProducts(tx)) > 0) return 0;
        for (const item of catalog) {
          const created = await insertProduct(tx, { ...item, currency: 'BRL', reserved: 0, updatedAt: now() });
          await record(tx, created!, 'adjustment', created!.onHand, { reason: 'initial stock' });
          await publish(tx, upserted(created!));
        }
        return catalog.length;
      });
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
