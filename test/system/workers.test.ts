import { get } from 'node:http';
import { expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { useRealSystem } from '../support/system';

const SKU = 'WORKERS-1';
// Both services with two worker processes each, as WEB_CONCURRENCY=2 runs them in production.
const system = useRealSystem({
  env: { WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' },
  products: [{ sku: SKU, name: 'Produto dos workers', price: 500, onHand: 100_000 }],
});

const listeningPids = (output: string) =>
  new Set(output.split('\n').filter((l) => l.includes('"msg":"Server listening')).map((l) => (JSON.parse(l) as { pid: number }).pid));

/** GET /metrics on a connection of its own: the primary hands each new connection to the next worker. */
const scrape = (baseUrl: string) =>
  new Promise<string>((resolve, reject) => {
    get(`${baseUrl}/metrics`, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body)).on('error', reject);
    }).on('error', reject);
  });

const sample = (exposition: string, series: string) =>
  Number(exposition.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1]);

it("any worker's /metrics answers for the whole service, every worker's counts summed", async () => {
  const { orders, ordersApi } = system();
  await eventually(async () => (listeningPids(orders.output()).size === 2 ? true : undefined), 30_000, 'two workers listening');
  const placed = 20;
  for (let i = 0; i < placed; i++) expect((await ordersApi.place([{ sku: SKU, quantity: 1 }])).status).toBe(201);
  await ordersApi.waitUntilNonePending(60_000);

  // The two workers consume orders.payment-updates (one payment.authorized per order) side by side; either one's answer counts all 20.
  const series = 'messages_processed_total{queue="orders.payment-updates",service="orders"}';
  const seen = [];
  for (let i = 0; i < 6; i++) seen.push(sample(await scrape(orders.url), series));
  expect(seen).toEqual(Array(6).fill(placed));
});

it('WEB_CONCURRENCY=2 runs two workers, and SIGTERM amid a stream of orders leaves none half-done', async () => {
  const { orders, ordersApi } = system();
  // Ready means one worker answers; the second may still be starting.
  await eventually(async () => (listeningPids(orders.output()).size === 2 ? true : undefined), 30_000, 'two workers listening');

  const before = (await ordersApi.listAll()).length;
  const statuses: (number | string)[] = [];
  let sending = true;
  const clients = Array.from({ length: 8 }, async () => {
    while (sending) {
      try {
        statuses.push((await ordersApi.place([{ sku: SKU, quantity: 1 }])).status);
      } catch (error) {
        // Refused once the workers have closed their listeners: nothing was sent, nothing written.
        statuses.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
  await eventually(async () => (statuses.filter((s) => s === 201).length >= 40 ? true : undefined), 60_000, '40 orders accepted');
  const exitCode = await orders.stop();
  sending = false;
  await Promise.all(clients);

  expect(exitCode).toBe(0);
  // Every request got a whole answer: accepted, or refused before anything was written (a
  // connection closed, reset or refused as the listeners went away; the count below proves
  // none of those wrote an order).
  const accepted = statuses.filter((s) => s === 201).length;
  const refusals = new Set([503, 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']);
  expect(statuses.filter((s) => s !== 201 && !refusals.has(s))).toEqual([]);

  await orders.restart();
  await ordersApi.waitUntilNonePending(60_000);
  const stored = await ordersApi.listAll();
  expect(stored).toHaveLength(before + accepted);
  expect(stored.every((o) => o.status === 'confirmed')).toBe(true);
});
