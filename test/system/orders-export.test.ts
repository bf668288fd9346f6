import pg from 'pg';
import { expect, it } from 'vitest';
import { useRealSystem } from '../support/system';

const system = useRealSystem();

/** `count` more delivered orders, written straight into the tables: the export is what is under test, not placing them. */
async function addOrders(databaseUrl: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      WITH placed AS (
        INSERT INTO orders.orders (id, number, customer_id, status, total, currency, customer_name, customer_email, shipping_address, created_at, updated_at)
        SELECT gen_random_uuid(), nextval('orders.order_number_seq'), gen_random_uuid(), 'delivered', 990 * n, 'BRL', 'Cliente ' || n, 'cliente' || n || '@example.com',
          jsonb_build_object('name', 'Cliente ' || n, 'line1', 'Rua ' || n, 'line2', null, 'city', 'São Paulo', 'state', 'SP', 'postalCode', '01305-000', 'country', 'BR'),
          now(), now()
        FROM generate_series(1, $1::int) AS n
        RETURNING id, total
      )
      INSERT INTO orders.order_items (order_id, line, sku, name, quantity, unit_price) SELECT id, 0, 'CAFE-1KG', 'Café em grãos 1 kg', 1, total FROM placed`, [count]);
  } finally {
    await client.end();
  }
}

it('exports 10,000 orders as CSV, read a page at a time: every order once, newest first', async () => {
  const { databaseUrl, ordersApi } = system();
  await addOrders(databaseUrl, 10_000);
  const response = await ordersApi.exportCsv('status=delivered');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const lines = (await response.text()).trimEnd().split('\n');
  expect(lines[0]).toMatch(/^number,created_at,status,customer_name,customer_email,/);
  const numbers = lines.slice(1).map((line) => Number(line.split(',')[0]));
  expect(numbers).toHaveLength(10_000);
  expect(new Set(numbers).size).toBe(10_000);
  expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  expect(lines[1]).toContain(',São Paulo,SP,01305-000,BR,');
});
