import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Order } from '@pedidos/contracts/orders';

/** The export's columns, one line per order: what a merchant takes to a spreadsheet or an ERP. */
const COLUMNS = [
  'number', 'created_at', 'status', 'customer_name', 'customer_email', 'items', 'total', 'currency', 'payment_status',
  'ship_to', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country', 'note', 'id',
] as const;

function line(order: Order): Record<(typeof COLUMNS)[number], string | number | null> {
  const address = order.shippingAddress;
  return {
    number: order.number,
    created_at: order.createdAt,
    status: order.status,
    customer_name: order.customer?.name ?? null,
    customer_email: order.customer?.email ?? null,
    items: order.items.map((i) => `${i.quantity} x ${i.sku}`).join('; '),
    // Minor units as the decimal a spreadsheet expects (every currency here has two decimals).
    total: (order.total / 100).toFixed(2),
    currency: order.currency,
    payment_status: order.payment?.status ?? null,
    ship_to: address?.name ?? null,
    address_line1: address?.line1 ?? null,
    address_line2: address?.line2 ?? null,
    city: address?.city ?? null,
    state: address?.state ?? null,
    postal_code: address?.postalCode ?? null,
    country: address?.country ?? null,
    note: order.note,
    id: order.id,
  };
}

/**
 * Orders as a CSV byte stream (RFC 4180, with a header line), read from `orders` only as fast as
 * the client takes it. A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is
 * prefixed with `'` (OWASP's CSV injection advice). A failure mid-way ends the stream with an
 * error, so the client sees a broken download rather than a short file.
 */
export function ordersCsv(orders: AsyncIterable<Order>, onError: (error: Error) => void): Readable {
  const csv = stringify({
    header: true,
    columns: [...COLUMNS],
    cast: { string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value) },
  });
  pipeline(Readable.from(orders, { objectMode: true }), async function* (source: AsyncIterable<Order>) {
    for await (const order of source) yield line(order);
  }, csv, (error) => error && onError(error));
  return csv;
}
