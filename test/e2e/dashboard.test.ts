import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { adminApi, customerOrders, uniqueProduct } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import { newPerson, seriousA11yViolations, sidewaysOverflow, speakPortuguese } from './support/ui';

const PRICE = 1000;
const ZONE = 'America/Sao_Paulo';
/** `YYYY-MM-DD` in the browser's zone, `days` from today. */
const localDay = (days = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(Date.now() + days * 86_400_000));

describe('the back office dashboard and operations page', () => {
  const shop = useShop();
  const browser = useBrowser();
  const visit = useVisitors(browser, () => shop().baseUrl);
  let sku: string;
  let name: string;
  let customer: Awaited<ReturnType<typeof customerOrders>>;

  /**
   * Three orders that took money (R$10, R$20, R$30) and one rejected for lack of stock, all placed today;
   * the R$30 one shipped, so its card was charged, and R$5 of it refunded.
   */
  beforeAll(async () => {
    const admin = await adminApi(shop().baseUrl);
    ({ sku, name } = await admin.inventory.createProduct({ ...uniqueProduct('Mate'), price: PRICE, onHand: 10 }));
    customer = await customerOrders(shop().baseUrl, newPerson('Iara'));
    const placed: string[] = [];
    for (const quantity of [1, 2, 3]) placed.push((await customer.waitForStatus((await customer.placeOrder([{ sku, quantity }])).id, 'confirmed')).id);
    await customer.waitForStatus((await customer.placeOrder([{ sku, quantity: 50 }])).id, 'rejected');
    const shipped = placed.at(-1)!;
    await admin.orders.ship(shipped);
    await eventually(async () => ((await admin.payments.getPayment(shipped)).status === 'captured' || undefined), 15_000, 'the shipped order captured');
    const refund = await admin.payments.refund(shipped, 500, 'One pack arrived torn');
    if (refund.status !== 201 && refund.status !== 202) throw new Error(`refund: ${refund.status} ${JSON.stringify(refund.body)}`);
    // The dashboard reads the payment as the orders service last heard of it.
    await eventually(async () => ((await admin.orders.getOrder(shipped)).payment?.refunded === 500 || undefined), 15_000, 'the refund on the order');
  });

  const figure = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
  const spaced = async (page: Page, name: string) => ((await figure(page, name).textContent()) ?? '').replace(/\s/g, ' ');
  const expectFigure = (page: Page, name: string, ...parts: string[]) =>
    expect.poll(() => spaced(page, name), { timeout: 15_000 }).toSatisfy((text: string) => parts.every((part) => text.includes(part)));
  const selected = (page: Page, name: string) => page.getByRole('navigation', { name: /^(Range|Período)$/ }).getByRole('link', { name, exact: true });

  it('counts today’s orders under Today and under 7 days, beside the previous period, and the address keeps the range', async () => {
    const page = await visit({ as: ADMIN });
    await page.goto('/admin/dashboard');
    expect(await selected(page, 'Today').getAttribute('aria-current')).toBe('true');
    await expectFigure(page, 'Orders', '4', 'none before', 'previous period: 0');
    await expectFigure(page, 'Revenue', 'R$60.00', 'previous period: R$0.00');
    await expectFigure(page, 'Average order', 'R$20.00');
    await expectFigure(page, 'Rejected orders', '1', '25% of the orders');
    await expectFigure(page, 'Captured', 'R$30.00', 'none before', 'previous period: R$0.00');
    await expectFigure(page, 'Refunded', 'R$5.00', 'previous period: R$0.00');
    const top = page.getByRole('region', { name: 'Top products' });
    expect(await top.getByRole('columnheader').allTextContents()).toEqual(['Product', 'Units', 'Revenue']);
    // The rejected order's 50 units were never sold.
    expect(await top.getByRole('row', { name: `${name} ${sku}` }).getByRole('cell').allTextContents()).toEqual(['6', 'R$60.00']);
    await page.getByRole('heading', { name: 'Orders per hour' }).waitFor();
    await page.getByRole('row', { name: 'Rejected 1 0' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Messaging' }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await selected(page, '7 days').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('7d');
    await page.getByRole('heading', { name: 'Orders per day' }).waitFor();
    await expectFigure(page, 'Orders', '4', 'previous period: 0');
    await page.getByText('Show the data').first().waitFor();
    await screenshot(page, 'dashboard-7-days');

    await page.reload();
    expect(await selected(page, '7 days').getAttribute('aria-current')).toBe('true');
    await expectFigure(page, 'Orders', '4');
    await page.getByRole('heading', { name: 'Orders per day' }).waitFor();
  });

  it('shows a custom range of whole days, refusing one that ends before it starts', async () => {
    const page = await visit({ as: ADMIN });
    await page.goto('/admin/dashboard?range=30d');
    await expectFigure(page, 'Orders', '4');
    await selected(page, 'Custom').click();
    const form = page.getByRole('form', { name: 'Custom range' });
    await form.getByLabel('From').fill(localDay(-1));
    await form.getByLabel('To').fill(localDay(-2));
    await form.getByRole('button', { name: 'Show' }).click();
    await form.getByText('The last day must be on or after the first.').waitFor();

    await form.getByLabel('To').fill(localDay(-1));
    await form.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe(`?from=${localDay(-1)}&to=${localDay(-1)}`);
    await expectFigure(page, 'Orders', '0', 'no change');

    await page.getByRole('form', { name: 'Custom range' }).getByLabel('From').fill(localDay(-6));
    await page.getByRole('form', { name: 'Custom range' }).getByLabel('To').fill(localDay());
    await page.getByRole('form', { name: 'Custom range' }).getByRole('button', { name: 'Show' }).click();
    await expectFigure(page, 'Orders', '4');
    await page.reload();
    expect(await selected(page, 'Custom').getAttribute('aria-current')).toBe('true');
    expect(await page.getByRole('form', { name: 'Custom range' }).getByLabel('From').inputValue()).toBe(localDay(-6));
    await expectFigure(page, 'Orders', '4');
  });

  it('the operations page shows each service’s outbox and dead letters, reached from the back office menu and its home', async () => {
    const page = await visit({ as: ADMIN });
    await page.goto('/admin');
    await page.getByRole('heading', { level: 2, name: 'Operations' }).getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto('/admin/dashboard');
    await expectFigure(page, 'Orders', '4');
    expect(await page.getByText('Dead letters').count()).toBe(0);
    await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    for (const service of ['Orders service', 'Inventory service', 'Payments service']) {
      const region = page.getByRole('region', { name: service });
      await region.getByText('Outbox backlog').waitFor();
      await expect.poll(async () => region.textContent()).toMatch(/Dead letters\s*0 messages/);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'operations');
  });

  it('both pages speak Portuguese, with Brazilian money', async () => {
    const page = await visit({ as: ADMIN });
    await page.goto('/admin/dashboard');
    await speakPortuguese(page);
    await expectFigure(page, 'Pedidos', '4', 'nenhum antes', 'período anterior: 0');
    await expectFigure(page, 'Receita', 'R$ 60,00');
    await expectFigure(page, 'Capturado', 'R$ 30,00', 'período anterior: R$ 0,00');
    await expectFigure(page, 'Reembolsado', 'R$ 5,00');
    expect(await page.getByRole('region', { name: 'Mais vendidos' }).getByRole('columnheader').allTextContents()).toEqual(['Produto', 'Unidades', 'Receita']);
    await selected(page, '7 dias').click();
    await page.getByRole('heading', { name: 'Pedidos por dia' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Operações' }).click();
    const orders = page.getByRole('region', { name: 'Serviço de pedidos' });
    await orders.getByText('Fila do outbox').waitFor();
    await expect.poll(async () => orders.textContent()).toMatch(/0 mensagens/);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('both pages fit a 390 px phone and stay accessible there', async () => {
    const page = await visit({ phone: true, as: ADMIN });
    await page.goto('/admin/dashboard?range=7d');
    await expectFigure(page, 'Orders', '4');
    await expectFigure(page, 'Refunded', 'R$5.00');
    await page.getByRole('region', { name: 'Top products' }).getByRole('row', { name: `${name} ${sku}` }).waitFor();
    await selected(page, 'Custom').click();
    await page.getByRole('form', { name: 'Custom range' }).waitFor();
    await page.getByText('Show the data').first().waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard-phone');

    await page.goto('/admin/operations');
    await page.getByRole('region', { name: 'Payments service' }).getByText('Dead letters').waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'operations-phone');
  });

  // Last: it adds an order the tests above do not expect.
  it('counts an order placed while the dashboard is open, without a reload', async () => {
    const page = await visit({ as: ADMIN });
    await page.goto('/admin/dashboard');
    await expectFigure(page, 'Orders', '4');
    await customer.waitForStatus((await customer.placeOrder([{ sku, quantity: 1 }])).id, 'confirmed');
    await expectFigure(page, 'Orders', '5');
    await expectFigure(page, 'Revenue', 'R$70.00');
  });
});
