import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminApi, uniqueProduct, type AdminApi } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { useShop } from './support/shop';
import {
  ADDRESS, addToCart, expectStatus, fillAddress, findInCatalog, isFocused, newPerson, placeOrder, seriousA11yViolations, sidewaysOverflow, signUp, speakPortuguese,
} from './support/ui';

describe('the cart: address, stock and retrying an out-of-stock order', () => {
  const shop = useShop();
  const browser = useBrowser();
  let admin: AdminApi;
  const visit = useVisitors(browser, () => shop().baseUrl);

  beforeAll(async () => {
    admin = await adminApi(shop().baseUrl);
  });


  /** A new customer, signed up, on a desktop browser or a 390 px wide phone. */
  async function customer(first: string, opts: { phone?: boolean } = {}): Promise<Page> {
    const page = await visit(opts);
    await signUp(page, newPerson(first));
    return page;
  }


  const shortages = (page: Page, name: string) => page.getByRole('list', { name }).getByRole('listitem').allTextContents();

  it('checks out with a shipping address, which the order page shows and the next checkout starts from', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Bourbon'), price: 3990, onHand: 10 });
    const page = await customer('Ana');
    await addToCart(page, product.name, 2);

    const address = page.getByRole('group', { name: 'Shipping address' });
    expect(await address.getByLabel('Full name').inputValue()).toBe('Ana Tester');
    expect(await address.getByLabel('Country').inputValue()).toBe('BR');
    expect(await address.getByLabel('Address line 1').getAttribute('autocomplete')).toBe('shipping address-line1');
    expect(await address.getByLabel('CEP (postal code)').getAttribute('autocomplete')).toBe('shipping postal-code');
    await fillAddress(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
    const orderId = await placeOrder(page);

    const shipTo = page.getByRole('region', { name: 'Shipping address' });
    await expect.poll(() => shipTo.textContent()).toContain(ADDRESS.line1);
    const text = await shipTo.textContent();
    for (const part of ['Ana Tester', ADDRESS.line2, `${ADDRESS.city} – ${ADDRESS.state}`, ADDRESS.postalCode, 'Brazil']) expect(text).toContain(part);
    const order = await admin.orders.getOrder(orderId);
    expect(order.shippingAddress).toEqual({ name: 'Ana Tester', ...ADDRESS, country: 'BR' });

    await addToCart(page, product.name);
    expect(await page.getByLabel('Address line 1').inputValue()).toBe(ADDRESS.line1);
    expect(await page.getByLabel('CEP (postal code)').inputValue()).toBe(ADDRESS.postalCode);
  });

  it('em português, num celular: recusa um CEP inválido no próprio campo, sem estourar a largura da tela', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Catuai'), price: 2590, onHand: 10 });
    const page = await customer('Bia', { phone: true });
    await addToCart(page, product.name, 1);
    await speakPortuguese(page);

    const address = page.getByRole('group', { name: 'Endereço de entrega' });
    await address.getByLabel('Endereço', { exact: true }).fill('Rua Augusta, 100');
    await address.getByLabel('Cidade').fill('São Paulo');
    await address.getByLabel('Estado').fill('SP');
    const cep = address.getByLabel('CEP', { exact: true });
    await cep.fill('1305-00');
    await page.getByRole('button', { name: 'Fazer pedido' }).click();

    await expect.poll(() => cep.getAttribute('aria-invalid')).toBe('true');
    expect(await isFocused(cep)).toBe(true);
    expect(await page.getByText('Informe um CEP com oito dígitos, por exemplo 01305-000.').count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/cart');
    await screenshot(page, 'cart-address-phone-pt');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

    await cep.fill('01305000');
    await page.getByLabel('Número do cartão').fill('4242 4242 4242 4242');
    await page.getByLabel('Validade').fill('12/34');
    await page.getByLabel('Código de segurança (CVC)').fill('123');
    await page.getByRole('button', { name: 'Fazer pedido' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const shipTo = page.getByRole('region', { name: 'Endereço de entrega' });
    await expect.poll(() => shipTo.textContent()).toContain('01305-000');
    expect(await shipTo.textContent()).toContain('Brasil');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('warns at a line that asks for more than is available, and will not add past the stock from the catalog', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Geisha'), price: 9900, onHand: 3 });
    const page = await customer('Caio');
    await addToCart(page, product.name, 5);

    const quantity = page.getByLabel(`Quantity of ${product.name}`);
    await page.getByText('Only 3 available').waitFor();
    expect(await quantity.getAttribute('max')).toBe('3');
    expect(await quantity.getAttribute('aria-describedby')).toBeTruthy();
    expect(await page.getByRole('button', { name: 'Place order' }).isEnabled()).toBe(true);
    await screenshot(page, 'cart-stock-warning');
    await page.getByRole('button', { name: `Set to 3: ${product.name}` }).click();
    await expect.poll(() => quantity.inputValue()).toBe('3');
    await expect.poll(() => page.getByText('Only 3 available').count()).toBe(0);

    const card = await findInCatalog(page, product.name);
    await card.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('status').getByText(`Only 3 ${product.name} available: your cart has 3.`).waitFor();
    await page.getByRole('link', { name: /^Cart/ }).click();
    await expect.poll(() => page.getByLabel(`Quantity of ${product.name}`).inputValue()).toBe('3');
  });

  it('an order for more than there is: rejected, the page lists the short lines live, and retrying orders what there was', async () => {
    const kenya = await admin.inventory.createProduct({ ...uniqueProduct('Kenya AA'), price: 6200, onHand: 2 });
    const mocha = await admin.inventory.createProduct({ ...uniqueProduct('Mocha'), price: 5400, onHand: 5 });
    const java = await admin.inventory.createProduct({ ...uniqueProduct('Java'), price: 4100, onHand: 1 });
    const page = await customer('Davi');
    await addToCart(page, kenya.name, 3);
    await addToCart(page, mocha.name, 1);
    await addToCart(page, java.name, 1);
    // The last Java goes while the customer is at the cart.
    await admin.adjust(java.sku, -1, 'Broken bag');

    await placeOrder(page);
    // From here on the page learns of the rejection only from the live stream.
    await page.evaluate(() => Object.assign(globalThis, { e2eSameDocument: true }));
    await expectStatus(page, 'Rejected');
    await expect.poll(() => shortages(page, 'Items short of stock')).toEqual([
      `${kenya.name}: you asked for 3, 2 were available`,
      `${java.name}: you asked for 1, none was available`,
    ]);
    expect(await page.evaluate(() => (globalThis as { e2eSameDocument?: boolean }).e2eSameDocument)).toBe(true);
    await screenshot(page, 'order-shortages');

    await page.getByRole('button', { name: "Retry with what's available" }).click();
    await page.waitForURL(/\/cart$/);
    const notice = page.getByRole('status').filter({ hasText: 'adjusted to what is available' });
    expect(await notice.textContent()).toContain(`${kenya.name}: lowered to 2`);
    expect(await notice.textContent()).toContain(`${java.name}: left out, none available`);
    expect(await page.getByLabel(`Quantity of ${kenya.name}`).inputValue()).toBe('2');
    expect(await page.getByLabel(`Quantity of ${mocha.name}`).inputValue()).toBe('1');
    expect(await page.getByLabel(`Quantity of ${java.name}`).count()).toBe(0);
    await screenshot(page, 'cart-after-retry');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await placeOrder(page);
    await expectStatus(page, 'Confirmed');
  });

  it('em português, num celular: a página do pedido recusado mostra o que faltou e o carrinho volta ajustado', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Bourbon Amarelo'), price: 4700, onHand: 1 });
    const page = await customer('Eva', { phone: true });
    await addToCart(page, product.name, 4);
    await placeOrder(page);
    await speakPortuguese(page);

    await expectStatus(page, 'Recusado');
    await expect.poll(() => shortages(page, 'Itens sem estoque suficiente')).toEqual([`${product.name}: você pediu 4, havia 1 disponível`]);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Tentar de novo com o disponível' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByText(`${product.name}: reduzido para 1`).waitFor();
    expect(await page.getByLabel(`Quantidade de ${product.name}`).inputValue()).toBe('1');
    expect(await page.getByLabel('CEP', { exact: true }).inputValue()).toBe(ADDRESS.postalCode);
    await screenshot(page, 'cart-after-retry-phone-pt');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
