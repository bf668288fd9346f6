import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '@pedidos/contracts/orders';
import { send } from '../support/http';
import { adminApi, customerOrders, uniqueProduct, type AdminApi } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import { newPerson, seriousA11yViolations, sidewaysOverflow, speakPortuguese } from './support/ui';

interface Receipt {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  status: number;
}

/**
 * The other system: records each POST with its Standard Webhooks headers, answers 500 to the very
 * first when `failFirst`, 200 after. While `hold()` is in force the 200s wait, so the test can look
 * at a delivery between two attempts.
 */
async function startReceiver({ failFirst }: { failFirst: boolean }) {
  const receipts: Receipt[] = [];
  let gate: Promise<void> | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = failFirst && receipts.length === 0 ? 500 : 200;
      receipts.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      void (status === 200 && gate ? gate : Promise.resolve()).then(() => res.writeHead(status).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pedidos`,
    receipts,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The receiver's check, as Standard Webhooks publishes it: HMAC-SHA256 of `id.timestamp.body` keyed with the secret's bytes. */
function signedWith(secret: string, receipt: Receipt): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${receipt.id}.${receipt.timestamp}.${receipt.body}`).digest('base64')}`;
  const fresh = Math.abs(Date.now() / 1000 - Number(receipt.timestamp)) < 5 * 60;
  return fresh && receipt.signature.split(' ').includes(expected);
}

describe('webhooks in the back office', () => {
  const shop = useShop({
    env: {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_MIN_MS: '200',
      // The test holds the receiver's answer while it reads the page: far longer than that before an attempt is given up.
      WEBHOOK_TIMEOUT_MS: '30000',
    },
  });
  const browser = useBrowser();
  const visit = useVisitors(browser, () => shop().baseUrl);
  let admin: AdminApi;
  let flaky: Awaited<ReturnType<typeof startReceiver>>;
  let steady: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    admin = await adminApi(shop().baseUrl);
    [flaky, steady] = await Promise.all([startReceiver({ failFirst: true }), startReceiver({ failFirst: false })]);
  });
  afterAll(async () => {
    await Promise.all([flaky?.close(), steady?.close()]);
  });

  /** An order by a new customer, placed once the product has reached the orders service's catalog. */
  async function placeOrder(): Promise<Order> {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Hook'), price: 2500, onHand: 10 });
    const orders = await customerOrders(shop().baseUrl, newPerson('Gil'));
    let placed: Order | undefined;
    await expect.poll(async () => {
      const reply = await orders.place([{ sku: product.sku, quantity: 1 }]);
      if (reply.status === 201) placed = reply.body;
      return reply.status;
    }, { timeout: 20_000, interval: 200 }).toBe(201);
    return placed!;
  }

  const delivery = (page: Page, type = 'order.created') => page.getByRole('listitem', { name: type, exact: true });

  it('registers an endpoint, shows its secret once, and shows the 500 then the 200 its first delivery got; a replay sends the same webhook-id', async () => {
    const office = await visit({ as: ADMIN });
    await office.goto('/admin/webhooks');
    const form = office.getByRole('form', { name: 'Register an endpoint' });
    await form.getByLabel('URL', { exact: true }).fill(flaky.url);
    await form.getByLabel('Description (optional)').fill('Order feed for the ERP');
    await form.getByRole('checkbox', { name: /order\.created/ }).check();
    await form.getByRole('button', { name: 'Register endpoint' }).click();

    const box = office.getByRole('region', { name: 'Signing secret' });
    const secret = await box.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await box.textContent()).toContain('Copy the secret now: it will not be shown again.');
    const row = office.getByRole('row').filter({ has: office.getByRole('cell', { name: flaky.url, exact: true }) });
    await expect.poll(() => row.textContent()).toContain('Order feed for the ERP');
    expect(await row.getByRole('list', { name: `Events sent to ${flaky.url}` }).textContent()).toBe('order.created');
    expect(await seriousA11yViolations(office)).toEqual([]);
    await screenshot(office, 'admin-webhooks');

    await box.getByRole('link', { name: "See this endpoint's deliveries" }).click();
    await office.waitForURL(/\/admin\/webhooks\/[0-9a-f-]{36}$/);
    await office.getByText('Nothing has been sent to this endpoint yet.').waitFor();
    // Gone once left: the secret is in no list and no later page.
    await office.goBack();
    await row.waitFor();
    expect(await office.getByRole('region', { name: 'Signing secret' }).count()).toBe(0);
    expect(await office.getByRole('main').textContent()).not.toContain(secret);
    await office.goForward();

    // The second attempt is held at the receiver, so the page shows the delivery between its two attempts.
    const release = flaky.hold();
    const order = await placeOrder();
    await expect.poll(() => flaky.receipts.length, { timeout: 20_000 }).toBe(2);
    await office.reload();
    const item = delivery(office);
    await expect.poll(() => item.getByText('Pending', { exact: true }).count()).toBe(1);
    expect(await item.getByTestId('delivery-attempts').textContent()).toBe('1');
    expect(await item.textContent()).toContain('Last answerHTTP 500');
    expect(await office.getByText('Some deliveries are still being tried: this page updates by itself.').count()).toBe(1);
    release();

    // No reload: the page reads itself again while something is pending.
    await expect.poll(() => item.getByText('Delivered', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    expect(await item.getByTestId('delivery-attempts').textContent()).toBe('2');
    expect(await item.textContent()).toContain('Last answerHTTP 200');
    await item.getByText('Show every attempt (2)').click();
    const attempts = item.getByRole('list', { name: 'Attempts to deliver order.created' }).getByRole('listitem');
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).textContent()).toMatch(/ · HTTP 500 · \d[\d,]* ms$/);
    expect(await attempts.nth(1).textContent()).toMatch(/ · HTTP 200 · \d[\d,]* ms$/);

    // What the receiver got: the same event twice, signed with the secret the page showed.
    const [refused, accepted] = flaky.receipts as [Receipt, Receipt];
    expect([refused.status, accepted.status]).toEqual([500, 200]);
    expect(accepted.id).toBe(refused.id);
    expect(await item.textContent()).toContain(accepted.id);
    const event = JSON.parse(accepted.body) as { id: string; type: string; data: { orderId: string; number: number } };
    expect(event).toMatchObject({ id: accepted.id, type: 'order.created', data: { orderId: order.id, number: order.number } });
    expect(flaky.receipts.every((r) => signedWith(secret, r))).toBe(true);
    expect(signedWith(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, accepted)).toBe(false);
    expect(await seriousA11yViolations(office)).toEqual([]);
    await screenshot(office, 'admin-webhook-deliveries');

    await item.getByRole('button', { name: 'Send again' }).click();
    await item.getByText('Sent again, with the same webhook-id: its status and attempts below follow the new tries.').waitFor();
    await expect.poll(() => flaky.receipts.length, { timeout: 15_000 }).toBe(3);
    expect(flaky.receipts[2]).toMatchObject({ id: accepted.id, status: 200, body: accepted.body });
    expect(signedWith(secret, flaky.receipts[2]!)).toBe(true);
    await expect.poll(() => item.getByText('Delivered', { exact: true }).count(), { timeout: 15_000 }).toBe(1);

    // Removed after the confirmation: nothing more is sent to it.
    await office.getByRole('link', { name: 'Back to webhooks' }).click();
    await office.getByRole('button', { name: `Remove ${flaky.url}` }).click();
    const dialog = office.getByRole('alertdialog', { name: `Remove the endpoint ${flaky.url}?` });
    await dialog.getByRole('button', { name: 'Yes, remove it' }).click();
    await office.getByText('No endpoint registered yet.').waitFor();
    const endpoints = await send<{ items: unknown[] }>('GET', `${shop().baseUrl}/api/webhooks`, undefined, { authorization: admin.bearer });
    expect(endpoints.body.items).toEqual([]);
  });

  it('on a 390 px phone, in both languages, both pages fit and pass axe; in Portuguese the form’s refusals are told at the fields', async () => {
    const longUrl = `${steady.url}/${'a-rather-long-path-segment-'.repeat(6)}end`;
    const registered = await send<{ id: string }>('POST', `${shop().baseUrl}/api/webhooks`, {
      url: longUrl,
      events: ['order.created', 'order.status-changed', 'payment.authorized'],
      description: 'Warehouse system, receives every order as it is placed and each change of its status',
    }, { authorization: admin.bearer });
    expect(registered.status).toBe(201);
    await placeOrder();
    await expect.poll(() => steady.receipts.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);

    const phone = await visit({ phone: true, as: ADMIN });
    await phone.goto('/admin/webhooks');
    await phone.getByRole('link', { name: /^Deliveries to / }).click();
    const item = delivery(phone);
    await expect.poll(() => item.getByText('Delivered', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    await item.getByText(/^Show (the|every) attempt/).click();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'admin-webhook-deliveries-phone');

    await speakPortuguese(phone);
    await expect.poll(() => item.getByText('Entregue', { exact: true }).count()).toBe(1);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);

    await phone.getByRole('link', { name: 'Voltar aos webhooks' }).click();
    await phone.getByRole('heading', { level: 2, name: 'Endpoints cadastrados' }).waitFor();
    await phone.getByText(longUrl, { exact: true }).waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);

    const form = phone.getByRole('form', { name: 'Cadastrar um endpoint' });
    const url = form.getByLabel('URL', { exact: true });
    const sent: number[] = [];
    phone.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/webhooks') sent.push(r.status());
    });
    await form.getByRole('button', { name: 'Cadastrar endpoint' }).click();
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByText('Informe a URL que recebe os eventos.').count()).toBe(1);
    expect(await form.getByText('Escolha pelo menos um evento.').count()).toBe(1);
    expect(sent).toEqual([]);

    // A host that resolves nowhere (.invalid never does) is the server's to refuse, and is shown at the URL.
    await url.fill('https://webhooks.nowhere.invalid/in');
    await form.getByRole('group', { name: 'Pagamentos' }).getByRole('checkbox', { name: /payment\.captured/ }).check();
    await form.getByRole('button', { name: 'Cadastrar endpoint' }).click();
    await expect.poll(() => form.getByText(/^Este endereço não pode receber webhooks/).count()).toBe(1);
    expect(sent).toEqual([400]);
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.getByRole('region', { name: 'Segredo de assinatura' }).count()).toBe(0);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'admin-webhooks-phone-pt');
  });
});
