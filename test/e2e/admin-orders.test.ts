import { readFile } from 'node:fs/promises';
import type { Order } from '@pedidos/contracts/orders';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrdersApi } from '../support/http';
import { adminApi, customerOrders, uniqueProduct, type AdminApi } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import { newPerson, seriousA11yViolations, sidewaysOverflow, speakPortuguese } from './support/ui';

const PRICE = 1000;

describe('finding orders in the back office', () => {
  const shop = useShop();
  const browser = useBrowser();
  let admin: AdminApi;
  let sku: string;
  const visit = useVisitors(browser, () => shop().baseUrl);

  beforeAll(async () => {
    admin = await adminApi(shop().baseUrl);
    sku = (await admin.inventory.createProduct({ ...uniqueProduct('Cacau'), price: PRICE, onHand: 500 })).sku;
  });

  /** A customer whose name and e-mail carry `tag` (so a search finds only this test's orders), with orders of these quantities, confirmed. */
  async function customerWith(first: string, tag: string, quantities: number[]): Promise<{ orders: Order[]; api: OrdersApi; email: string }> {
    const person = { ...newPerson(first), name: `${first} ${tag}`, email: `${first.toLowerCase()}.${tag}@e2e.test` };
    const api = await customerOrders(shop().baseUrl, person);
    const orders: Order[] = [];
    for (const quantity of quantities) orders.push(await api.placeOrder([{ sku, quantity }]));
    for (const order of orders) await admin.orders.waitForStatus(order.id, 'confirmed');
    return { orders, api, email: person.email };
  }

  const newTag = () => `t${Math.random().toString(36).slice(2, 8)}`;

  /** The order numbers the table shows, top to bottom. */
  const shownNumbers = async (page: Page) =>
    (await page.getByRole('table').getByRole('link', { name: /^(Order #|Pedido nº )\d+$/ }).allTextContents()).map((text) => Number(text.replace(/\D/g, '')));

  const pollNumbers = (page: Page, expected: number[]) => expect.poll(() => shownNumbers(page), { timeout: 15_000 }).toEqual(expected);
  const summary = (page: Page) => page.getByRole('status').filter({ hasText: /^\d+ (orders?|pedidos?)( · |$)/ });
  const spaced = (text: string | null) => (text ?? '').replace(/\s/g, ' ');
  const numbersOf = (orders: Order[]) => orders.map((o) => o.number);

  it('finds an order by number, by part of the e-mail and of the name in any case, shows the count and sum, and sorts by total both ways', async () => {
    const tag = newTag();
    const xena = await customerWith('Xena', tag, [1, 3]);
    const ugo = await customerWith('Ugo', tag, [2]);
    const [small, large] = xena.orders as [Order, Order];
    const middle = ugo.orders[0]!;
    const page = await visit({ as: ADMIN });
    await page.goto('/admin/orders');

    const search = page.getByLabel('Search orders');
    await search.fill(String(middle.number));
    await pollNumbers(page, [middle.number]);

    await search.fill(`xena.${tag}@e2e`);
    await pollNumbers(page, [large.number, small.number]);
    await expect.poll(async () => spaced(await summary(page).textContent())).toBe('2 orders · R$40.00');

    await search.fill(`UGO ${tag.toUpperCase()}`);
    await pollNumbers(page, [middle.number]);

    await search.fill(tag);
    await pollNumbers(page, [middle.number, large.number, small.number].sort((a, b) => b - a));
    await expect.poll(async () => spaced(await summary(page).textContent())).toBe('3 orders · R$60.00');
    const total = page.getByRole('columnheader', { name: 'Total' });
    await total.getByRole('button', { name: 'Total' }).click();
    await pollNumbers(page, [small.number, middle.number, large.number]);
    expect(await total.getAttribute('aria-sort')).toBe('ascending');
    await total.getByRole('button', { name: 'Total' }).click();
    await pollNumbers(page, [large.number, middle.number, small.number]);
    expect(await total.getAttribute('aria-sort')).toBe('descending');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-orders-search');

    // The URL holds the view: a reload shows it again, and Back returns to the sort before.
    expect(new URL(page.url()).searchParams.get('q')).toBe(tag);
    await page.reload();
    await pollNumbers(page, [large.number, middle.number, small.number]);
    expect(await page.getByLabel('Search orders').inputValue()).toBe(tag);
    expect(await page.getByRole('columnheader', { name: 'Total' }).getAttribute('aria-sort')).toBe('descending');
    await page.goBack();
    await pollNumbers(page, [small.number, middle.number, large.number]);
  });

  it('narrows by status and by a range of whole days, and a shared link opens the same view', async () => {
    const tag = newTag();
    const { orders } = await customerWith('Vera', tag, [1, 1]);
    const [kept, cancelled] = orders as [Order, Order];
    await admin.orders.cancel(cancelled.id);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date());
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date(Date.now() - 86_400_000));
    const page = await visit({ as: ADMIN });
    await page.goto(`/admin/orders?q=${tag}`);
    await pollNumbers(page, [cancelled.number, kept.number]);

    await page.getByLabel('Status').selectOption({ label: 'Cancelled' });
    await pollNumbers(page, [cancelled.number]);
    await page.getByLabel('Status').selectOption({ label: 'All statuses' });
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.getByLabel('To', { exact: true }).fill(today);
    await pollNumbers(page, [cancelled.number, kept.number]);
    await page.getByLabel('From', { exact: true }).fill(yesterday);
    await page.getByLabel('To', { exact: true }).fill(yesterday);
    await page.getByText('No orders match these filters.').waitFor();
    await expect.poll(async () => spaced(await summary(page).textContent())).toBe('0 orders');

    const link = `/admin/orders?q=${tag}&status=confirmed&from=${today}&to=${today}`;
    const other = await visit({ as: ADMIN });
    await other.goto(link);
    await pollNumbers(other, [kept.number]);
    expect(await other.getByLabel('Status').inputValue()).toBe('confirmed');
    expect(await other.getByLabel('From', { exact: true }).inputValue()).toBe(today);
  });

  it('ships the selected orders after asking: the confirmed ones ship, one no longer confirmed is refused, each outcome listed', async () => {
    const tag = newTag();
    const { orders } = await customerWith('Wanda', tag, [1, 2, 3]);
    const [a, b, gone] = orders as [Order, Order, Order];
    const page = await visit({ as: ADMIN });
    await page.goto(`/admin/orders?q=${tag}`);
    await pollNumbers(page, [gone.number, b.number, a.number]);

    await page.getByRole('checkbox', { name: 'Select all orders on this page' }).check();
    await page.getByText('3 selected').waitFor();
    // Cancelled behind the list's back, after it was selected.
    await admin.orders.cancel(gone.id);
    await page.getByRole('button', { name: 'Ship selected' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Ship 3 orders?' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Yes, ship them' }).click();

    const report = page.getByRole('status').filter({ hasText: '2 of 3 orders shipped' });
    await report.waitFor();
    expect(await report.getByRole('listitem').allTextContents()).toEqual([
      `Order #${a.number}: shipped`,
      `Order #${b.number}: shipped`,
      `Order #${gone.number}: refused, it is not confirmed any more`,
    ].sort((x, y) => Number(y.match(/\d+/)![0]) - Number(x.match(/\d+/)![0])));
    expect((await admin.orders.getOrder(a.id)).status).toBe('shipped');
    expect((await admin.orders.getOrder(b.id)).status).toBe('shipped');
    expect((await admin.orders.getOrder(gone.id)).status).toBe('cancelled');
    // The list is read again: the shipped ones say so, and nothing stays selected.
    for (const order of [a, b]) {
      await page.getByRole('row').filter({ has: page.getByRole('link', { name: `Order #${order.number}`, exact: true }) }).getByText('Shipped').waitFor();
    }
    await page.getByText('0 selected').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('cancels the selected orders, in Portuguese', async () => {
    const tag = newTag();
    const { orders } = await customerWith('Yara', tag, [1, 2]);
    const [a, b] = orders as [Order, Order];
    const page = await visit({ as: ADMIN });
    await page.goto(`/admin/orders?q=${tag}`);
    await speakPortuguese(page);
    await pollNumbers(page, [b.number, a.number]);
    await expect.poll(async () => spaced(await summary(page).textContent())).toBe('2 pedidos · R$ 30,00');

    await page.getByRole('checkbox', { name: `Selecionar o pedido nº ${a.number}` }).check();
    await page.getByRole('checkbox', { name: `Selecionar o pedido nº ${b.number}` }).check();
    await page.getByRole('button', { name: 'Cancelar selecionados' }).click();
    await page.getByRole('alertdialog', { name: 'Cancelar 2 pedidos?' }).getByRole('button', { name: 'Sim, cancelar' }).click();
    const report = page.getByRole('status').filter({ hasText: '2 de 2 pedidos cancelados' });
    await report.waitFor();
    expect(await report.getByRole('listitem').allTextContents()).toEqual([`Pedido nº ${b.number}: cancelado`, `Pedido nº ${a.number}: cancelado`]);
    expect((await admin.orders.getOrder(a.id)).status).toBe('cancelled');
    expect((await admin.orders.getOrder(b.id)).status).toBe('cancelled');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('exports the filtered, sorted list as a CSV file', async () => {
    const tag = newTag();
    const zoe = await customerWith('Zoe', tag, [2, 1, 3]);
    await customerWith('Otto', newTag(), [1]);
    const page = await visit({ as: ADMIN });
    await page.goto(`/admin/orders?q=${tag}&sort=total`);
    const ascending = [...zoe.orders].sort((x, y) => x.total - y.total);
    await pollNumbers(page, numbersOf(ascending));

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^number,created_at,status,customer_name,customer_email,/);
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(numbersOf(ascending));
    expect(lines.slice(1).every((line) => line.includes(zoe.email))).toBe(true);
  });

  it.each(['en', 'pt-BR'] as const)('on a 390 px phone (%s) each order is a compact row, nothing overflows, and the headers still sort', async (language) => {
    const tag = newTag();
    const { orders } = await customerWith('Iolanda-Maria-de-Albuquerque', tag, [1, 2, 3]);
    const page = await visit({ phone: true, as: ADMIN });
    await page.goto(`/admin/orders?q=${tag}`);
    if (language === 'pt-BR') await speakPortuguese(page);
    await pollNumbers(page, numbersOf(orders).reverse());

    const rows = page.getByRole('table').getByRole('row').filter({ has: page.getByRole('link', { name: /^(Order #|Pedido nº )\d+$/ }) });
    expect(await rows.count()).toBe(3);
    for (const row of await rows.all()) {
      const box = (await row.boundingBox())!;
      expect(box.height).toBeLessThanOrEqual(120);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Total', exact: true }).click();
    await pollNumbers(page, numbersOf([...orders].sort((x, y) => x.total - y.total)));
    await screenshot(page, `admin-orders-phone-${language}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('a customer\'s list pages the same way, and a reload or Back keeps the page', async () => {
    const person = newPerson('Paula');
    const api = await customerOrders(shop().baseUrl, person);
    const placed: Order[] = [];
    for (let i = 0; i < 22; i++) placed.push(await api.placeOrder([{ sku, quantity: 1 }]));
    const page = await visit({ as: person });
    await page.goto('/orders');
    const list = page.getByRole('list', { name: 'Orders' });
    const numbers = async () => (await list.getByRole('link').allTextContents()).map((t) => Number(t.replace(/\D/g, '')));
    const newestFirst = numbersOf(placed).reverse();
    await expect.poll(numbers).toEqual(newestFirst.slice(0, 20));

    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(numbers).toEqual(newestFirst.slice(20));
    await page.getByText('Page 2').waitFor();
    await page.reload();
    await expect.poll(numbers).toEqual(newestFirst.slice(20));
    await page.goBack();
    await expect.poll(numbers).toEqual(newestFirst.slice(0, 20));
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
