import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { send } from '../support/http';
import { adminApi, customerOrders, login, registerCustomer, uniqueProduct, type AdminApi } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import { addToCart, expectStatus, newPerson, placeOrder, seriousA11yViolations, sidewaysOverflow, speakPortuguese, timeline } from './support/ui';


describe('the back office’s order page: who did what, and internal notes', () => {
  const shop = useShop();
  const browser = useBrowser();
  let admin: AdminApi;
  const visit = useVisitors(browser, () => shop().baseUrl);

  beforeAll(async () => {
    admin = await adminApi(shop().baseUrl);
  });

  /** The order's page in the back office, signed in as the admin. */
  async function openAsAdmin(orderId: string, opts: { phone?: boolean } = {}): Promise<Page> {
    const page = await visit({ ...opts, as: ADMIN });
    await page.goto(`/admin/orders/${orderId}`);
    return page;
  }

  const activity = (page: Page, name = 'Activity') => page.getByRole('list', { name, exact: true });
  const steps = (page: Page, name = 'Activity') => activity(page, name).getByRole('listitem');

  it('says who placed the order and who shipped it; a note added is shown at once, kept, and never reaches the customer', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Sencha'), price: 3200, onHand: 5 });
    const person = await registerCustomer(shop().baseUrl, 'Ana');
    const shopper = await visit({ as: person });
    await addToCart(shopper, product.name, 1);
    const orderId = await placeOrder(shopper);
    await expectStatus(shopper, 'Confirmed');
    await admin.orders.ship(orderId);

    const office = await openAsAdmin(orderId);
    await expect.poll(() => steps(office).filter({ hasText: 'Shipped' }).textContent()).toContain('by Administrator (staff)');
    expect(await steps(office).filter({ hasText: 'Pending' }).textContent()).toContain(`by ${person.name} (customer)`);
    expect(await steps(office).filter({ hasText: /^Confirmed/ }).textContent()).toContain('by the system');
    // The payment's steps come from a read of their own, which may answer after the order's.
    await expect.poll(() => steps(office).filter({ hasText: 'Payment authorized' }).count()).toBe(1);
    // Each step says when, in the language's date style.
    expect(await steps(office).first().getByRole('time').count()).toBe(1);

    // An empty note is refused at the field, before anything is sent.
    const field = office.getByLabel('Internal note — not visible to the customer');
    const addNote = office.getByRole('button', { name: 'Add note' });
    const sent: number[] = [];
    office.on('response', (r) => {
      if (r.url().endsWith(`/api/orders/${orderId}/notes`)) sent.push(r.status());
    });
    await addNote.click();
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await office.getByText('Write the note first.').count()).toBe(1);
    expect(sent).toEqual([]);

    const secret = `Customer asked for the doorman ${Date.now()}.\nCall before delivering.`;
    await field.fill(secret);
    await addNote.click();
    const note = steps(office).filter({ hasText: 'Internal note' });
    await expect.poll(() => note.textContent()).toContain('Call before delivering.');
    expect(sent).toEqual([201]);
    expect(await note.textContent()).toContain('by Administrator (staff)');
    expect(await field.inputValue()).toBe('');
    expect(await seriousA11yViolations(office)).toEqual([]);
    await screenshot(office, 'admin-order-activity');

    await office.reload();
    await expect.poll(() => note.textContent()).toContain(secret.split('\n')[0]);
    // The lines stay as typed.
    expect(await note.getByText(secret, { exact: true }).innerText()).toBe(secret);

    // The customer's page of the same order: their timeline, without the note or the staff's names.
    await shopper.reload();
    await expect.poll(() => timeline(shopper).textContent()).toContain('Shipped');
    const seen = (await shopper.getByRole('main').textContent()) ?? '';
    expect(seen).not.toContain('Call before delivering');
    expect(seen).not.toContain('Administrator');
    expect(await activity(shopper).count()).toBe(0);
    expect(await shopper.getByLabel('Internal note — not visible to the customer').count()).toBe(0);
    // Nor can the customer read it by asking.
    const asCustomer = { authorization: await login(shop().baseUrl, person.email, person.password) };
    expect((await send('GET', `${shop().baseUrl}/api/orders/${orderId}/activity`, undefined, asCustomer)).status).toBe(403);
    expect((await send('POST', `${shop().baseUrl}/api/orders/${orderId}/notes`, { body: 'mine' }, asCustomer)).status).toBe(403);
  });

  it('in Portuguese, a rejection for lack of stock shows the short lines, and a note’s errors are told at the field', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Matcha'), price: 9900, onHand: 10 });
    const person = newPerson('Caio');
    const orders = await customerOrders(shop().baseUrl, person);
    const order = await orders.placeOrder([{ sku: product.sku, quantity: 15 }]);
    await orders.waitForStatus(order.id, 'rejected');

    const office = await openAsAdmin(order.id);
    await speakPortuguese(office);
    const rejected = steps(office, 'Atividade').filter({ hasText: 'Recusado' });
    await expect.poll(() => rejected.textContent()).toContain('pelo sistema');
    expect(await rejected.getByRole('list', { name: 'Itens sem estoque suficiente' }).getByRole('listitem').allTextContents())
      .toEqual([`${product.sku}: 15 pedidos, 10 disponíveis`]);
    expect(await steps(office, 'Atividade').filter({ hasText: 'Pendente' }).textContent()).toContain(`por ${person.name} (cliente)`);

    const field = office.getByLabel('Nota interna — não visível para o cliente');
    await field.fill('   ');
    await office.getByRole('button', { name: 'Adicionar nota' }).click();
    await expect.poll(() => office.getByText('Escreva a nota primeiro.').count()).toBe(1);
    // A control character is refused for what it is, not as a note too long.
    await field.fill('Ligar amanhã\u0007');
    await office.getByRole('button', { name: 'Adicionar nota' }).click();
    await expect.poll(() => office.getByText('A nota tem caracteres que não podem ser guardados; use texto simples.').count()).toBe(1);
    expect(await office.getByText('Uma nota pode ter no máximo 2000 caracteres.').count()).toBe(0);
    await field.fill('Repor estoque antes de avisar a cliente.');
    await office.getByRole('button', { name: 'Adicionar nota' }).click();
    await expect.poll(() => steps(office, 'Atividade').filter({ hasText: 'Nota interna' }).textContent()).toContain('por Administrator (equipe)');
    expect(await seriousA11yViolations(office)).toEqual([]);
  });

  it('on a 390 px phone, a long note wraps inside the page, in both languages', async () => {
    const product = await admin.inventory.createProduct({ ...uniqueProduct('Oolong'), price: 4500, onHand: 5 });
    const orders = await customerOrders(shop().baseUrl, newPerson('Dora'));
    const order = await orders.placeOrder([{ sku: product.sku, quantity: 1 }]);
    await orders.waitForStatus(order.id, 'confirmed');

    const phone = await openAsAdmin(order.id, { phone: true });
    const unbroken = `tracking:${'X'.repeat(300)}`;
    await phone.getByLabel('Internal note — not visible to the customer').fill(`${'A long note about this order. '.repeat(20)}\n${unbroken}`);
    await phone.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => steps(phone).filter({ hasText: 'Internal note' }).textContent()).toContain(unbroken);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'admin-order-activity-phone');

    await speakPortuguese(phone);
    await expect.poll(() => steps(phone, 'Atividade').filter({ hasText: 'Nota interna' }).textContent()).toContain('por Administrator (equipe)');
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);
  });
});
