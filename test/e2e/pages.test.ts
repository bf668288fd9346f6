import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '@pedidos/contracts/inventory';
import { eventually } from '@pedidos/platform/testing';
import { ordersApi, send } from '../support/http';
import { adminApi, login, type AdminApi } from './support/api';
import { newVisitor, screenshot, useBrowser, type Visitor } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import { expectStatus, newPerson, seriousA11yViolations, sidewaysOverflow, signIn, timeline } from './support/ui';

type Who = 'guest' | 'customer' | 'admin';

interface AppPage {
  /** Also the screenshot's file name. */
  name: string;
  who: Who;
  path: () => string;
  /** Resolves once the page shows what it is for (data loaded, charts drawn). */
  ready: (page: Page) => Promise<void>;
}

describe('every main page', () => {
  // The demo catalog: the screenshots show the shop as a newcomer sees it.
  const shop = useShop({ env: { SEED_DEMO_DATA: 'true' } });
  const browser = useBrowser();
  const visitors = {} as Record<Who, Visitor>;
  const customer = newPerson('Helena');
  let admin: AdminApi;
  let products: Product[];
  let deliveredId = '';

  /** A few orders in every final state, so lists, the timeline and the dashboard have something to show. */
  beforeAll(async () => {
    const { baseUrl } = shop();
    admin = await adminApi(baseUrl);
    expect((await send('POST', `${baseUrl}/api/auth/register`, customer)).status).toBe(201);
    const orders = ordersApi(baseUrl, await login(baseUrl, customer.email, customer.password));
    products = (await admin.products()).filter((p) => p.available > 3);
    const [a, b, c, d] = products as [Product, Product, Product, Product];

    const delivered = await orders.placeOrder([{ sku: a.sku, quantity: 2 }, { sku: b.sku, quantity: 1 }]);
    await orders.waitForStatus(delivered.id, 'confirmed');
    await admin.orders.ship(delivered.id);
    await admin.deliver(delivered.id);
    // Shipping captures; the timeline shows the payment's steps once the capture is recorded.
    await eventually(async () => ((await admin.payments.getPayment(delivered.id)).status === 'captured' ? true : undefined), 15_000, 'the delivered order captured');
    deliveredId = delivered.id;

    const shipped = await orders.placeOrder([{ sku: c.sku, quantity: 1 }]);
    await orders.waitForStatus(shipped.id, 'confirmed');
    await admin.orders.ship(shipped.id);

    const cancelled = await orders.placeOrder([{ sku: d.sku, quantity: 1 }]);
    await orders.waitForStatus(cancelled.id, 'confirmed');
    await orders.cancel(cancelled.id);

    const rejected = await orders.placeOrder([{ sku: a.sku, quantity: a.available + 1 }]);
    await orders.waitForStatus(rejected.id, 'rejected');
    await orders.waitForStatus((await orders.placeOrder([{ sku: b.sku, quantity: 1 }])).id, 'confirmed');

    for (const who of ['guest', 'customer', 'admin'] as const) visitors[who] = await newVisitor(browser(), baseUrl);
    await signIn(visitors.customer.page, customer);
    await signIn(visitors.admin.page, ADMIN);
  });

  afterAll(async () => {
    await Promise.all(Object.values(visitors).map((v) => v.context.close()));
  });

  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

  const pages: AppPage[] = [
    {
      name: 'shop', who: 'customer', path: () => '/',
      ready: async (page) => {
        await heading(page, 'Catalog');
        await page.getByRole('article').nth(5).waitFor();
      },
    },
    {
      name: 'my-orders', who: 'customer', path: () => '/orders',
      ready: async (page) => {
        await heading(page, 'My orders');
        await page.getByText('Delivered').first().waitFor();
      },
    },
    {
      name: 'order-timeline', who: 'customer', path: () => `/orders/${deliveredId}`,
      ready: async (page) => {
        await expectStatus(page, 'Delivered');
        // Pending, confirmed, shipped, delivered, and the payment's authorization and capture.
        await expect.poll(() => timeline(page).getByRole('listitem').count()).toBe(6);
      },
    },
    {
      name: 'cart', who: 'customer', path: () => '/',
      ready: async (page) => {
        for (const product of products.slice(0, 2)) {
          await page.getByLabel('Search products').fill(product.name);
          await page.getByRole('article').filter({ hasText: product.name }).getByRole('button', { name: 'Add to cart' }).click();
        }
        await page.getByRole('link', { name: /^Cart/ }).click();
        await page.getByRole('button', { name: 'Place order' }).waitFor();
      },
    },
    {
      name: 'product', who: 'customer', path: () => `/products/${encodeURIComponent(products[0]!.sku)}`,
      ready: (page) => heading(page, products[0]!.name),
    },
    { name: 'login', who: 'guest', path: () => '/login', ready: (page) => page.getByRole('button', { name: 'Sign in' }).last().waitFor() },
    { name: 'register', who: 'guest', path: () => '/register', ready: (page) => page.getByRole('button', { name: 'Create account' }).waitFor() },
    {
      name: 'admin-orders', who: 'admin', path: () => '/admin/orders',
      ready: async (page) => {
        await page.getByLabel('Status').waitFor();
        await page.getByRole('button', { name: 'Ship' }).first().waitFor();
      },
    },
    {
      name: 'admin-order', who: 'admin', path: () => `/admin/orders/${deliveredId}`,
      ready: async (page) => {
        await expectStatus(page, 'Delivered');
        // Who placed, confirmed, shipped and delivered it, with the payment's authorization and capture.
        await expect.poll(() => page.getByRole('list', { name: 'Activity' }).getByRole('listitem').count()).toBe(6);
        await page.getByRole('region', { name: 'Customer' }).waitFor();
      },
    },
    {
      name: 'admin-products', who: 'admin', path: () => '/admin/products',
      ready: async (page) => {
        await page.getByRole('button', { name: 'Create product' }).waitFor();
        await page.getByRole('button', { name: 'Apply' }).nth(3).waitFor();
      },
    },
    {
      name: 'movements', who: 'admin', path: () => `/admin/products/${products[0]!.sku}/movements`,
      ready: (page) => page.getByRole('table').getByRole('row').nth(2).waitFor(),
    },
    {
      name: 'dashboard', who: 'admin', path: () => '/admin/dashboard',
      // The charts load lazily: wait until they have drawn.
      ready: (page) => page.locator('svg.recharts-surface').nth(1).waitFor(),
    },
    {
      name: 'operations', who: 'admin', path: () => '/admin/operations',
      ready: (page) => page.getByRole('region', { name: 'Payments service' }).getByText('Dead letters').waitFor(),
    },
  ];

  it.each(pages)('$name ($who) has no serious or critical accessibility violation', async ({ name, who, path, ready }) => {
    const { page, problems } = visitors[who];
    await page.goto(path());
    await ready(page);
    await screenshot(page, name);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('the catalog fits a phone screen', async () => {
    const phone = await newVisitor(browser(), shop().baseUrl, { phone: true });
    try {
      await phone.page.goto('/');
      await phone.page.getByRole('article').nth(2).waitFor();
      const overflow = await sidewaysOverflow(phone.page);
      await screenshot(phone.page, 'shop-phone');
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await seriousA11yViolations(phone.page)).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});
