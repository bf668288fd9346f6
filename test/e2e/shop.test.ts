import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminApi, registerCustomer, uniqueProduct, type AdminApi } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import {
  CARDS, addToCart, expectStatus, findInCatalog, isFocused, newPerson, placeOrder, seriousA11yViolations, sidewaysOverflow, signUp, speakPortuguese, stockLine, timeline,
} from './support/ui';

describe('shopping in the browser', () => {
  const shop = useShop();
  const browser = useBrowser();
  let admin: AdminApi;
  const visit = useVisitors(browser, () => shop().baseUrl);

  beforeAll(async () => {
    admin = await adminApi(shop().baseUrl);
  });

  it('a new customer signs up, orders, and watches the order turn Confirmed and then Shipped without a reload', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Arabica'), price: 4990, onHand: 10 });
    const page = await visit();
    const streams: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/orders/stream') streams.push(response.status());
    });

    await signUp(page, newPerson('Ana'));
    await addToCart(page, product.name, 2);
    const orderId = await placeOrder(page);
    // A toast says so, politely: in a status region, not an alert.
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    expect(await page.getByRole('status').filter({ hasText: `${heading} placed.` }).count()).toBe(1);
    // Survives only as long as this document does: a reload or a full navigation would drop it.
    await page.evaluate(() => Object.assign(globalThis, { e2eSameDocument: true }));
    // From here on the page can learn of a change only from the event stream, not by fetching the order again.
    await page.route(`**/api/orders/${orderId}`, (route) => route.abort());

    await expectStatus(page, 'Confirmed');
    await admin.orders.ship(orderId);
    await expectStatus(page, 'Shipped');

    expect(await page.evaluate(() => (globalThis as { e2eSameDocument?: boolean }).e2eSameDocument)).toBe(true);
    expect(new URL(page.url()).pathname).toBe(`/orders/${orderId}`);
    expect(streams).toContain(200);
    // Pending, confirmed and shipped, and the payment's authorization with the card it was made on.
    await expect.poll(() => timeline(page).getByRole('listitem').count()).toBeGreaterThanOrEqual(4);
    expect(await timeline(page).textContent()).toContain('Visa •••• 4242');
    expect(await page.getByRole('link', { name: /^Cart/ }).textContent()).not.toMatch(/[1-9]/);
  });

  it('an order for more than the stock is Rejected, with "Out of stock" in its timeline', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Matcha'), price: 8900, onHand: 2 });
    const page = await visit({ as: await registerCustomer(shop().baseUrl, 'Bruno') });

    await addToCart(page, product.name, 3);
    await placeOrder(page);

    await expectStatus(page, 'Rejected');
    await expect.poll(() => timeline(page).textContent()).toContain('Out of stock');
    await expect.poll(() => page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    expect((await admin.inventory.getProduct(product.sku)).available).toBe(2);
  });

  it('a declining card: the order is Rejected, the timeline says the card was declined, and the stock is back', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Guayusa'), price: 3100, onHand: 5 });
    const page = await visit({ as: await registerCustomer(shop().baseUrl, 'Elisa') });

    await addToCart(page, product.name, 2);
    await placeOrder(page, CARDS.declined);

    await expectStatus(page, 'Rejected');
    await expect.poll(() => page.getByText(/The payment was declined/).count()).toBeGreaterThan(0);
    await expect.poll(() => timeline(page).textContent()).toContain('Payment declined');
    // The decline's own words come with the payment, read after the order: look again until it has arrived.
    await expect.poll(() => timeline(page).textContent()).toContain('The card was declined.');
    await expect.poll(async () => (await admin.inventory.getProduct(product.sku)).available, { timeout: 15_000 }).toBe(5);
  });

  it("an administrator refunds part of a shipped order in the back office, and the refund shows on the customer's timeline", async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Hojicha'), price: 5000, onHand: 5 });
    const shopper = await visit({ as: await registerCustomer(shop().baseUrl, 'Fabio') });
    await addToCart(shopper, product.name, 2);
    const orderId = await placeOrder(shopper);
    await expectStatus(shopper, 'Confirmed');
    await admin.orders.ship(orderId);
    await expect.poll(async () => (await admin.payments.getPayment(orderId)).status, { timeout: 15_000 }).toBe('captured');

    const office = await visit({ as: ADMIN });
    await office.goto(`/admin/orders/${orderId}`);
    await office.getByLabel('Amount to refund').fill('30.00');
    await office.getByLabel(/^Reason/).fill('One box arrived crushed');
    await office.getByRole('button', { name: 'Refund…' }).click();
    const refunded = office.waitForResponse((r) => r.url().endsWith(`/api/payments/${orderId}/refunds`) && r.request().method() === 'POST');
    await office.getByRole('alertdialog', { name: 'Refund R$30.00 to the customer\'s card?' }).getByRole('button', { name: 'Yes, refund' }).click();
    expect((await refunded).status()).toBe(201);
    await expect.poll(() => office.getByText('Refunded R$30.00.').count()).toBe(1);

    await shopper.reload();
    await expect.poll(() => timeline(shopper).textContent()).toContain('Refunded');
    expect(await timeline(shopper).textContent()).toContain('One box arrived crushed');
    expect((await admin.payments.getPayment(orderId))).toMatchObject({ status: 'partially_refunded', captured: 10_000, refunded: 3_000 });
  });

  it("the admin restocks a product in the back office and the customer's catalog shows it available", async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Rooibos'), price: 1590, onHand: 0 });
    const shopper = await visit({ as: await registerCustomer(shop().baseUrl, 'Carla') });
    const card = await findInCatalog(shopper, product.name);
    expect(await stockLine(card)).toBe('Out of stock');
    expect(await card.getByRole('button', { name: 'Add to cart' }).isDisabled()).toBe(true);

    const office = await visit({ as: ADMIN });
    await office.getByRole('link', { name: 'Back office' }).click();
    // The back office's home links its pages too: the menu's link is the one a returning admin uses.
    await office.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Products' }).click();
    const row = office.locator('tr, li').filter({ hasText: product.sku }).filter({ has: office.getByRole('button', { name: 'Apply' }) });
    await row.getByLabel('Quantity change').fill('7');
    await row.getByLabel('Reason').fill('Restock from supplier');
    const applied = office.waitForResponse((r) => r.url().endsWith(`/api/products/${product.sku}/adjustments`) && r.request().method() === 'POST');
    await row.getByRole('button', { name: 'Apply' }).click();
    expect((await applied).status()).toBe(200);

    await shopper.reload();
    const fresh = await findInCatalog(shopper, product.name);
    await expect.poll(() => stockLine(fresh)).toBe('In stock: 7');
    expect(await fresh.getByRole('button', { name: 'Add to cart' }).isEnabled()).toBe(true);
  });

  it("cancelling an order gives its units back: the product's availability goes up again", async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Cold Brew'), price: 2290, onHand: 5 });
    const page = await visit({ as: await registerCustomer(shop().baseUrl, 'Davi') });

    await addToCart(page, product.name, 2);
    const orderId = await placeOrder(page);
    await expectStatus(page, 'Confirmed');
    expect(await stockLine(await findInCatalog(page, product.name))).toBe('In stock: 3');

    await page.goto(`/orders/${orderId}`);
    await expectStatus(page, 'Confirmed');
    // Asked first, with focus on the safe choice; Escape goes back and nothing is sent.
    const cancelOrder = page.getByRole('button', { name: 'Cancel order' });
    await cancelOrder.click();
    const dialog = page.getByRole('alertdialog', { name: /^Cancel order #\d+\?$/ });
    expect(await dialog.textContent()).toContain('This cannot be undone.');
    expect(await isFocused(dialog.getByRole('button', { name: 'Go back' }))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await isFocused(cancelOrder)).toBe(true);
    await expectStatus(page, 'Confirmed');

    await cancelOrder.click();
    await dialog.getByRole('button', { name: 'Yes, cancel the order' }).click();
    await expectStatus(page, 'Cancelled');

    // The release travels as a message after the cancellation: look again until it has landed.
    await expect.poll(async () => stockLine(await findInCatalog(page, product.name)), { timeout: 15_000 }).toBe('In stock: 5');
  });

  it('switching the language to Português translates the interface and formats money the Brazilian way', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Yerba'), price: 123456, onHand: 4 });
    const page = await visit();
    const card = await findInCatalog(page, product.name);
    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.textContent()).toBe('Catalog');
    expect(await card.textContent()).toContain('R$1,234.56');
    expect(await stockLine(card)).toBe('In stock: 4');

    await page.getByLabel('Language').selectOption({ label: 'Português' });

    await expect.poll(() => heading.textContent()).toBe('Catálogo');
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await expect.poll(async () => (await card.textContent())?.replace(/\s/g, ' ')).toContain('R$ 1.234,56');
    await card.getByRole('button', { name: 'Adicionar ao carrinho' }).click();
    await page.getByRole('status').filter({ hasText: `${product.name} foi adicionado ao carrinho` }).waitFor();
  });

  it('an administrator starts in the back office and ships an order only after confirming it, in Portuguese', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Mate'), price: 1990, onHand: 5 });
    const order = await admin.orders.placeOrder([{ sku: product.sku, quantity: 1 }]);
    await admin.orders.waitForStatus(order.id, 'confirmed');
    const office = await visit({ as: ADMIN });
    await office.waitForURL(/\/admin\/orders$/);
    await speakPortuguese(office);
    const row = office.getByRole('row').filter({ has: office.getByRole('link', { name: `Pedido nº ${order.number}`, exact: true }) });
    const ship = row.getByRole('button', { name: 'Enviar' });

    await ship.click();
    const dialog = office.getByRole('alertdialog', { name: `Enviar o pedido nº ${order.number}?` });
    expect((await dialog.textContent())?.replace(/\s/g, ' ')).toContain('O cartão do cliente é cobrado em R$ 19,90');
    expect(await seriousA11yViolations(office)).toEqual([]);
    await dialog.getByRole('button', { name: 'Voltar' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await admin.orders.getOrder(order.id)).status).toBe('confirmed');

    await ship.click();
    await dialog.getByRole('button', { name: 'Sim, enviar' }).click();
    await row.getByRole('button', { name: 'Entregar' }).waitFor();
    expect((await admin.orders.getOrder(order.id)).status).toBe('shipped');

    // The order's page belongs to the back office: its nav entry is the current one, and Back returns to the list.
    await row.getByRole('link', { name: `Pedido nº ${order.number}`, exact: true }).click();
    await office.waitForURL(`**/admin/orders/${order.id}`);
    const nav = office.getByRole('navigation', { name: 'Principal' });
    expect(await nav.getByRole('link', { name: 'Retaguarda' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Meus pedidos' }).getAttribute('aria-current')).toBeNull();
    await office.getByRole('link', { name: 'Voltar a todos os pedidos' }).click();
    await office.waitForURL(/\/admin\/orders$/);
  });

  it('sign-up errors are told in Portuguese at each field: the browser checks first, the server’s refusals are translated', async () => {
    const page = await visit();
    await page.goto('/register');
    await speakPortuguese(page);
    const name = page.getByLabel('Nome', { exact: true });
    const email = page.getByLabel('E-mail', { exact: true });
    const password = page.getByLabel('Senha', { exact: true });
    const create = page.getByRole('button', { name: 'Criar conta' });
    const registrations: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/auth/register') registrations.push(response.status());
    });
    const description = (field: typeof name) =>
      field.evaluate((input: { getAttribute(name: string): string | null; ownerDocument: { getElementById(id: string): { textContent: string | null } | null } }) =>
        (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => input.ownerDocument.getElementById(id)?.textContent ?? '').join(' '));

    // What the contract's schema and the password's length refuse never leaves the browser.
    await name.fill('Ana Souza');
    await email.fill('ana-at-example');
    await password.fill('curta');
    await create.click();
    await expect.poll(() => description(email)).toBe('Informe um e-mail como nome@exemplo.com.');
    expect(await description(password)).toContain('Use pelo menos 10 caracteres.');
    expect(await isFocused(email)).toBe(true);
    expect(registrations).toEqual([]);

    // A tab in the name and a domain without a dot pass the browser; the server refuses both, and each field says why.
    await name.fill('Ana\tSouza');
    await email.fill('ana@localhost');
    await password.fill('correct horse battery');
    await create.click();
    await expect.poll(() => description(name)).toBe('Informe seu nome em uma linha, com no máximo 100 caracteres.');
    expect(await description(email)).toBe('Informe um e-mail como nome@exemplo.com.');
    expect(registrations).toEqual([400]);

    // The password policy's other rules are the identity service's: its refusal is translated too.
    await name.fill('Ana Souza');
    await email.fill(newPerson('Ana').email);
    await password.fill('aaaaaaaaaaaa');
    await create.click();
    await expect.poll(() => description(password)).toContain('Esta senha é fácil demais de adivinhar');
    expect(await page.getByRole('main').textContent()).not.toMatch(/must|password/);
  });

  it('on a 390 px phone, SKUs never break at a hyphen: each stays on one line, cut short with a tooltip when too long', async () => {
    const tag = uniqueProduct('Sku').sku.slice(-5);
    const short = await admin.inventory.createProduct({ sku: `E2E-BEAN-${tag}`, name: `Bean ${tag}`, price: 1990, onHand: 5 });
    const long = await admin.inventory.createProduct({ sku: `E2E-WHOLE-BEAN-SINGLE-ORIGIN-${tag}`, name: `Whole bean ${tag}`, price: 3990, onHand: 5 });
    const longest = await admin.inventory.createProduct({ sku: `E2E-${'X'.repeat(54)}-${tag}`, name: `Longest SKU ${tag}`, price: 990, onHand: 5 });
    const page = await visit({ phone: true, as: await registerCustomer(shop().baseUrl, 'Gil') });
    for (const product of [short, long, longest]) await addToCart(page, product.name);

    interface Box {
      top: number;
      width: number;
    }
    interface Measured {
      ownerDocument: { createRange(): { selectNodeContents(node: unknown): void; getClientRects(): ArrayLike<Box>; getBoundingClientRect(): Box } };
      getBoundingClientRect(): Box;
      title: string;
    }
    /** How many lines the SKU's text takes, whether it is cut short, and its tooltip. */
    const layout = (sku: string) =>
      page.getByText(sku, { exact: true }).first().evaluate((element: Measured) => {
        const text = element.ownerDocument.createRange();
        text.selectNodeContents(element);
        const lines = new Set(Array.from(text.getClientRects(), (rect) => Math.round(rect.top))).size;
        // Cut when the text is wider than the box that shows it (half a pixel for rounding).
        return { lines, cut: text.getBoundingClientRect().width > element.getBoundingClientRect().width + 0.5, title: element.title };
      });
    async function expectWholeSkus() {
      expect(await layout(short.sku)).toEqual({ lines: 1, cut: false, title: short.sku });
      expect(await layout(long.sku)).toMatchObject({ lines: 1, title: long.sku });
      expect(await layout(longest.sku)).toEqual({ lines: 1, cut: true, title: longest.sku });
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    }

    await screenshot(page, 'cart-phone-skus');
    await expectWholeSkus();
    await placeOrder(page);
    await screenshot(page, 'order-phone-skus');
    await expectWholeSkus();
  });

  it("runs on a copy of the run's one initialized data directory, not an initdb of its own", async () => {
    // The cluster's identifier, which initdb draws anew and a copy keeps: pg_control's first 8 bytes.
    const clusterId = async (dataDir: string) => (await readFile(join(dataDir, 'global', 'pg_control'))).subarray(0, 8).toString('hex');
    const initialized = inject('shopDataDir');
    expect(initialized).toBeDefined();
    expect(await clusterId(shop().dataDir)).toBe(await clusterId(initialized!));
  });
});
