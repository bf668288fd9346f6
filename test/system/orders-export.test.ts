import { readFileSync } from 'node:fs';
import pg from 'pg';
import { expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { metric } from '../support/http';
import { useRealSystem } from '../support/system';

const system = useRealSystem();

const ORDERS = 10_000;
/** The orders an export reads at once (EXPORT_PAGE in orders-service.ts). */
const PAGE = 500;
/**
 * Each order's note, so that the export (about 45 MB) is many times what the loopback socket's
 * kernel buffers hold: with short lines all 10,000 orders (2 MB) fit in them whether or not the
 * server waits for the client, and the test could not tell the two apart.
 */
const NOTE_CHARS = 4_000;

/** `count` more delivered orders, written straight into the tables: the export is what is under test, not placing them. */
async function addOrders(databaseUrl: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      WITH placed AS (
        INSERT INTO orders.orders (id, number, customer_id, status, total, currency, customer_name, customer_email, shipping_address, note, created_at, updated_at)
        SELECT gen_random_uuid(), nextval('orders.order_number_seq'), gen_random_uuid(), 'delivered', 990 * n, 'BRL', 'Cliente ' || n, 'cliente' || n || '@example.com',
          jsonb_build_object('name', 'Cliente ' || n, 'line1', 'Rua ' || n, 'line2', null, 'city', 'São Paulo', 'state', 'SP', 'postalCode', '01305-000', 'country', 'BR'),
          repeat('x', $2::int), now(), now()
        FROM generate_series(1, $1::int) AS n
        RETURNING id, total
      )
      INSERT INTO orders.order_items (order_id, line, sku, name, quantity, unit_price) SELECT id, 0, 'CAFE-1KG', 'Café em grãos 1 kg', 1, total FROM placed`, [count, NOTE_CHARS]);
  } finally {
    await client.end();
  }
}

/** The most a stalled TCP connection on this host holds: the sender's largest send buffer and the receiver's receive buffer. */
function socketBufferBytes(): number {
  const setting = (name: string) => readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/).map(Number);
  return setting('tcp_wmem')[2]! + setting('tcp_rmem')[1]!;
}

/** Pages exports have read so far, as an operator's dashboard counts them. */
const pagesRead = async (ordersUrl: string) => (await metric(ordersUrl, 'orders_export_rows_per_page_count')) ?? 0;

/** The pages read once the export stops reading: the same count twice, 300 ms apart. */
async function pagesOnceStalled(ordersUrl: string): Promise<number> {
  let previous: number | undefined;
  return eventually(async () => {
    const now = await pagesRead(ordersUrl);
    if (now === previous) return now;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return undefined;
  }, 15_000, 'the export to stop reading pages');
}

it('exports 10,000 orders as CSV a page at a time, no further ahead than the client reads: every order once, newest first', async () => {
  const { databaseUrl, ordersApi, orders } = system();
  await addOrders(databaseUrl, ORDERS);
  const response = await ordersApi.exportCsv('status=delivered');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const read = async (enough: () => boolean) => {
    while (!enough()) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
    }
  };

  // A client that takes the header and one order, then stops reading until the export stalls.
  await read(() => text.split('\n').length > 2);
  const stalled = await pagesOnceStalled(orders.url);

  await read(() => false); // to the end
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^number,created_at,status,customer_name,customer_email,/);
  const numbers = lines.slice(1).map((line) => Number(line.split(',')[0]));
  expect(numbers).toHaveLength(ORDERS);
  expect(new Set(numbers).size).toBe(ORDERS);
  expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  expect(lines[1]).toContain(',São Paulo,SP,01305-000,BR,');
  expect(await pagesRead(orders.url)).toBeGreaterThanOrEqual(ORDERS / PAGE);

  // While the client did not read, the server read only what the socket buffers could take (at
  // their largest; fetch's own read-ahead is far less than a page), plus the page it was sending
  // and the one its stream had asked for next. Reading everything up front reads all 20.
  const pageBytes = Buffer.byteLength(text) / (ORDERS / PAGE);
  const inFlight = Math.ceil(socketBufferBytes() / pageBytes) + 2;
  expect(inFlight, 'the export is too small to outgrow the socket buffers').toBeLessThanOrEqual(ORDERS / PAGE / 3);
  expect(stalled).toBeGreaterThanOrEqual(1);
  expect(stalled, 'pages read while the client was not reading').toBeLessThanOrEqual(inFlight);
});
