import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { product } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';
import { cart } from '../cart-store';

const cafe = product();
const cha = product({ sku: 'CHA-VERDE', name: 'Chá verde', price: 1500, onHand: 3, reserved: 0, available: 3 });
const filtro = product({ sku: 'FILTRO-103', name: 'Filtro de papel', price: 890, onHand: 4, reserved: 4, available: 0 });
const stored = () => JSON.parse(window.localStorage.getItem('pedidos.cart') ?? 'null') as { lines: { sku: string; quantity: number }[] } | null;
const quantityOf = (name: string) => screen.getByRole('spinbutton', { name: `Quantity of ${name}` }) as HTMLInputElement;

function stock() {
  return stubFetch({
    'GET /api/products': () => json(200, { items: [cafe, cha, filtro], nextCursor: null }),
    [`GET /api/products/${cafe.sku}`]: () => json(200, cafe),
    [`GET /api/products/${cha.sku}`]: () => json(200, cha),
    [`GET /api/products/${filtro.sku}`]: () => json(200, filtro),
  });
}

// The whole app renders: slow when the machine is busy.
describe('the cart and the stock', { timeout: 20_000 }, () => {
  it('says at a line when it asks for more than is available, offers to lower it, and still lets the order be placed', async () => {
    cart.add(cafe, 15);
    cart.add(cha, 2);
    cart.add(filtro, 1);
    const http = stock();
    const user = userEvent.setup();
    renderApp('/cart');

    await waitFor(() => expect(descriptionOf(quantityOf(cafe.name))).toBe('Only 10 available'), { timeout: 5000 });
    expect(quantityOf(cafe.name).max).toBe('10');
    expect(descriptionOf(quantityOf(filtro.name))).toBe('Out of stock right now');
    expect(quantityOf(cha.name).hasAttribute('aria-describedby')).toBe(false);
    expect(quantityOf(cha.name).max).toBe('3');
    // Stock is public: read without the customer's token.
    expect(http.to('GET', `/api/products/${cafe.sku}`)[0]?.headers.get('authorization')).toBeNull();

    await user.click(screen.getByRole('button', { name: `Set to 10: ${cafe.name}` }));
    expect(quantityOf(cafe.name).value).toBe('10');
    expect(quantityOf(cafe.name).hasAttribute('aria-describedby')).toBe(false);
    expect(stored()?.lines[0]).toMatchObject({ sku: cafe.sku, quantity: 10 });
    // Nothing to lower an out-of-stock line to: removing it is the customer's choice.
    expect(screen.queryByRole('button', { name: new RegExp(`^Set to .*${filtro.name}`) })).toBeNull();
    expect((screen.getByRole('button', { name: 'Place order' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('will not add from the catalog more than is available, and says so', async () => {
    stock();
    const user = userEvent.setup();
    renderApp('/');
    const card = await screen.findByRole('article', { name: cha.name });
    for (let i = 0; i < 3; i++) await user.click(within(card).getByRole('button', { name: 'Add to cart' }));
    expect(stored()?.lines).toEqual([expect.objectContaining({ sku: cha.sku, quantity: 3 })]);
    expect(screen.getByText(`${cha.name} added to the cart`)).toBeTruthy();

    await user.click(within(card).getByRole('button', { name: 'Add to cart' }));
    expect(screen.getByText(`Only 3 ${cha.name} available: your cart has 3.`).closest('[role="status"]')).toBeTruthy();
    expect(stored()?.lines).toEqual([expect.objectContaining({ sku: cha.sku, quantity: 3 })]);
  });

  it('speaks Portuguese', async () => {
    await changeLanguage('pt-BR');
    cart.add(cafe, 15);
    cart.add(filtro, 1);
    stock();
    renderApp('/cart');
    const cafeQuantity = screen.getByRole('spinbutton', { name: `Quantidade de ${cafe.name}` });
    await waitFor(() => expect(descriptionOf(cafeQuantity)).toBe('Só 10 disponíveis'), { timeout: 5000 });
    expect(descriptionOf(screen.getByRole('spinbutton', { name: `Quantidade de ${filtro.name}` }))).toBe('Sem estoque no momento');
    expect(screen.getByRole('button', { name: `Mudar para 10: ${cafe.name}` })).toBeTruthy();
  });
});
