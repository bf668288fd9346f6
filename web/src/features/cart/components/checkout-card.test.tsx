import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { order, product, tokens } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';
import { cart } from '../cart-store';
import { saveLastAddress } from '../shipping-address';

const placed = order();
/** The address of an earlier order, so these tests start at the card. */
const address = { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: 'Apto 12', city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' };

function checkout() {
  setSession(sessionFromTokens(tokens()));
  saveLastAddress(tokens().user.id, address);
  cart.add(product(), 2);
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'POST /api/orders': () => json(201, placed, { location: `/api/orders/${placed.id}` }),
    [`GET /api/orders/${placed.id}`]: () => json(200, placed),
  });
  const user = userEvent.setup();
  renderApp('/cart');
  return { http, user };
}

const number = () => screen.getByLabelText('Card number') as HTMLInputElement;
const expiry = () => screen.getByLabelText('Expiry date') as HTMLInputElement;
const cvc = () => screen.getByLabelText('Security code (CVC)') as HTMLInputElement;

async function fill(user: ReturnType<typeof userEvent.setup>, card: { number: string; expiry?: string; cvc?: string }) {
  await user.type(number(), card.number);
  await user.type(expiry(), card.expiry ?? '12/34');
  await user.type(cvc(), card.cvc ?? '123');
}

// The whole app renders and types a checkout: slow when the machine is busy, and a test past its time would type into the next one.
describe('checkout card', { timeout: 20_000 }, () => {
  it.each([
    ['4242 4242 4242 4242', 'pm_card_visa'],
    ['5555 5555 5555 4444', 'pm_card_mastercard'],
    ['4000 0000 0000 0002', 'pm_card_chargeDeclined'],
    ['4000 0000 0000 9995', 'pm_card_chargeDeclinedInsufficientFunds'],
    ['4000 0000 0000 0077', 'pm_card_sandbox_timeout'],
    ['4000 0025 0000 3155', 'pm_card_sandbox_async'],
  ])('turns the test card %s into %s and sends only that, never the number', async (card, paymentMethod) => {
    const { http, user } = checkout();
    // Typed without spaces: the field groups the digits as printed on the card.
    await fill(user, { number: card.replace(/ /g, '') });
    expect(number().value).toBe(card);

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();

    const [post] = http.to('POST', '/api/orders');
    expect(post?.body).toEqual({ items: [{ sku: 'CAFE-1KG', quantity: 2 }], shippingAddress: address, paymentMethod });
    const digits = card.replace(/ /g, '');
    for (const request of http.requests) {
      const sent = JSON.stringify(request.body ?? '') + request.path + [...request.headers.values()].join(' ');
      expect(sent).not.toContain(digits);
      expect(sent).not.toContain(card);
    }
    expect(JSON.stringify(window.localStorage)).not.toContain(digits);
  });

  it('fills a test card from the list beside the form', async () => {
    const { http, user } = checkout();
    await user.click(screen.getByText('Test cards'));
    const list = screen.getByRole('list', { name: 'Test cards' });
    const insufficient = within(list).getByRole('button', { name: '4000 0000 0000 9995' });
    expect(descriptionOf(insufficient)).toBe('Visa · declined: insufficient funds');

    await user.click(insufficient);
    expect(number().value).toBe('4000 0000 0000 9995');
    expect(expiry().value).toMatch(/^12\/\d{2}$/);
    expect(cvc().value).toBe('123');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    expect(http.to('POST', '/api/orders')[0]?.body).toMatchObject({ paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds' });
  });

  it('refuses a number that fails the Luhn check, on the field, and sends nothing', async () => {
    const { http, user } = checkout();
    await fill(user, { number: '4242 4242 4242 4241' });
    await user.click(screen.getByRole('button', { name: 'Place order' }));

    expect(number().getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(number())).toBe('This card number is not valid; check the digits.');
    expect(document.activeElement).toBe(number());
    expect(http.to('POST', '/api/orders')).toHaveLength(0);
  });

  it('refuses a real-looking card that is not one of the test cards', async () => {
    const { http, user } = checkout();
    await fill(user, { number: '4111 1111 1111 1111' });
    await user.click(screen.getByRole('button', { name: 'Place order' }));

    expect(descriptionOf(number())).toBe('This sandbox only takes the test cards listed.');
    expect(http.to('POST', '/api/orders')).toHaveLength(0);
  });

  it('refuses a past expiry and a short security code, focusing the first of them, and sends nothing', async () => {
    const { http, user } = checkout();
    await fill(user, { number: '4242 4242 4242 4242', expiry: '01/20', cvc: '12' });
    await user.click(screen.getByRole('button', { name: 'Place order' }));

    expect(number().hasAttribute('aria-invalid')).toBe(false);
    expect(expiry().getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(expiry())).toContain('This card has expired.');
    expect(descriptionOf(cvc())).toBe('The security code has 3 or 4 digits.');
    expect(document.activeElement).toBe(expiry());
    expect(http.to('POST', '/api/orders')).toHaveLength(0);

    // Fixing a field takes its message away; the order goes once all are right.
    await user.clear(expiry());
    await user.type(expiry(), '12/34');
    expect(expiry().hasAttribute('aria-invalid')).toBe(false);
    await user.type(cvc(), '3');
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    expect(http.to('POST', '/api/orders')).toHaveLength(1);
  });

  it('asks for every card field when they are empty', async () => {
    const { http, user } = checkout();
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(descriptionOf(number())).toBe('Enter the card number.');
    expect(descriptionOf(expiry())).toContain('Enter the expiry date.');
    expect(descriptionOf(cvc())).toBe('Enter the security code.');
    expect(document.activeElement).toBe(number());
    expect(http.to('POST', '/api/orders')).toHaveLength(0);
  });

  it('speaks Portuguese', async () => {
    await changeLanguage('pt-BR');
    const { user } = checkout();
    await user.type(screen.getByLabelText('Número do cartão'), '4111 1111 1111 1111');
    await user.type(screen.getByLabelText('Validade'), '01/20');
    await user.click(screen.getByRole('button', { name: 'Fazer pedido' }));
    expect(descriptionOf(screen.getByLabelText('Número do cartão'))).toBe('Este ambiente de testes só aceita os cartões de teste listados.');
    expect(descriptionOf(screen.getByLabelText('Validade'))).toBe('Mês e ano, MM/AA Este cartão está vencido.');
  });
});
