import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch, type RecordedRequest } from '../../../test/http';
import { order, product, tokens } from '../../../test/fixtures';
import { renderApp, descriptionOf } from '../../../test/render';
import { cart } from '../cart-store';
import { saveLastAddress } from '../shipping-address';

const cafe = product();
const cha = product({ sku: 'CHA-VERDE', name: 'Chá verde', price: 1500, onHand: 3, reserved: 0, available: 3 });
const filtro = product({ sku: 'FILTRO-103', name: 'Filtro de papel', price: 890, onHand: 4, reserved: 4, available: 0 });

const catalog = () => json(200, { items: [cafe, cha, filtro], nextCursor: null });
/** What the shop answers about its products: the list, and each one, which the cart reads for its stock. */
const shop = {
  'GET /api/products': catalog,
  ...Object.fromEntries([cafe, cha, filtro].map((p) => [`GET /api/products/${p.sku}`, () => json(200, p)])),
};
const stored = () => JSON.parse(window.localStorage.getItem('pedidos.cart') ?? 'null') as { lines: { sku: string; quantity: number }[] } | null;
const total = () => screen.getByTestId('cart-total').textContent;
/** The test card that succeeds, typed as a customer would. */
async function payWithVisa(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Card number'), '4242 4242 4242 4242');
  await user.type(screen.getByLabelText('Expiry date'), '12/34');
  await user.type(screen.getByLabelText('Security code (CVC)'), '123');
}
/** The address of an earlier order from this browser: the checkout starts from it. */
const address = { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: 'Apto 12', city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' };
const rememberAddress = () => saveLastAddress(tokens().user.id, address);
const deferred = <T,>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

// The whole app renders and types a checkout: slow when the machine is busy, and a test past its time would type into the next one.
describe('cart', { timeout: 20_000 }, () => {
  it('adds from the catalog, changes quantities, removes lines, keeps the total and saves it all', async () => {
    stubFetch(shop);
    const user = userEvent.setup();
    renderApp('/');

    const cafeCard = await screen.findByRole('article', { name: cafe.name });
    expect(within(cafeCard).getByText('In stock: 10')).toBeTruthy();
    expect(within(cafeCard).getByText('R$49.90')).toBeTruthy();
    const filtroCard = screen.getByRole('article', { name: filtro.name });
    expect(within(filtroCard).getByText('Out of stock')).toBeTruthy();
    expect((within(filtroCard).getByRole('button', { name: 'Add to cart' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(cafeCard).getByRole('button', { name: 'Add to cart' }));
    await user.click(within(cafeCard).getByRole('button', { name: 'Add to cart' }));
    await user.click(within(screen.getByRole('article', { name: cha.name })).getByRole('button', { name: 'Add to cart' }));

    // A toast confirms each addition; its region is polite, so it is read without interrupting.
    const toast = await screen.findByText(`${cha.name} added to the cart`);
    expect(toast.closest('[role="status"]')?.getAttribute('aria-live')).toBe('polite');
    const cartLink = screen.getByRole('link', { name: 'Cart' });
    expect(descriptionOf(cartLink)).toBe('3 items');
    expect(stored()?.lines).toEqual([expect.objectContaining({ sku: cafe.sku, quantity: 2 }), expect.objectContaining({ sku: cha.sku, quantity: 1 })]);

    await user.click(cartLink);
    const cafeQuantity = await screen.findByRole('spinbutton', { name: `Quantity of ${cafe.name}` });
    expect((cafeQuantity as HTMLInputElement).value).toBe('2');
    expect(total()).toBe('R$114.80');

    await user.clear(cafeQuantity);
    await user.type(cafeQuantity, '5');
    expect(total()).toBe('R$264.50');
    expect(stored()?.lines[0]).toMatchObject({ sku: cafe.sku, quantity: 5 });
    expect(descriptionOf(screen.getByRole('link', { name: 'Cart' }))).toBe('6 items');

    await user.click(screen.getByRole('button', { name: `Remove ${cha.name}` }));
    expect(screen.queryByRole('spinbutton', { name: `Quantity of ${cha.name}` })).toBeNull();
    expect(total()).toBe('R$249.50');
    expect(stored()?.lines).toEqual([expect.objectContaining({ sku: cafe.sku, quantity: 5 })]);

    await user.click(screen.getByRole('button', { name: `Remove ${cafe.name}` }));
    expect(screen.getByText('Your cart is empty.')).toBeTruthy();
    expect(stored()).toBeNull();
  });

  it('shows a cart saved earlier (another tab, a previous visit)', async () => {
    stubFetch(shop);
    renderApp('/cart');
    expect(screen.getByText('Your cart is empty.')).toBeTruthy();

    const saved = { lines: [{ sku: cha.sku, name: cha.name, unitPrice: cha.price, currency: 'BRL', quantity: 3 }], checkout: null };
    window.localStorage.setItem('pedidos.cart', JSON.stringify(saved));
    window.dispatchEvent(new StorageEvent('storage', { key: 'pedidos.cart' }));

    const quantity = await screen.findByRole('spinbutton', { name: `Quantity of ${cha.name}` });
    expect((quantity as HTMLInputElement).value).toBe('3');
    expect(total()).toBe('R$45.00');
  });

  it('asks a signed-out visitor to sign in before placing the order, keeping the cart', async () => {
    const http = stubFetch(shop);
    cart.add(cafe);
    const user = userEvent.setup();
    const app = renderApp('/cart');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(app.location()).toBe('/login');
    expect(screen.getByText('Sign in to place your order; your cart is kept.')).toBeTruthy();
    expect(http.to('POST', '/api/orders')).toHaveLength(0);
    expect(stored()?.lines).toHaveLength(1);
  });

  it('places one order per attempt: errors land on their line, a busy shop says so, and retries reuse the Idempotency-Key', async () => {
    setSession(sessionFromTokens(tokens()));
    rememberAddress();
    cart.add(cafe, 2);
    cart.add(cha);
    const first = deferred<Response>();
    const placed = order();
    const http = stubFetch({
      ...shop,
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'POST /api/orders': [
        () => first.promise,
        () => Promise.reject(new TypeError('Failed to fetch')),
        () => problem(503, 'ORDER.BUSY', '500 orders are waiting to be confirmed; this one found no room within 5000 ms and was not placed. Try again shortly.'),
        () => json(201, placed, { location: `/api/orders/${placed.id}` }),
      ],
      [`GET /api/orders/${placed.id}`]: () => json(200, placed),
    });
    const user = userEvent.setup();
    const app = renderApp('/cart');
    await payWithVisa(user);

    // A double click while the first request is in flight sends nothing more.
    await user.dblClick(screen.getByRole('button', { name: 'Place order' }));
    expect(http.to('POST', '/api/orders')).toHaveLength(1);
    first.resolve(problem(422, 'ORDER.UNKNOWN_SKU', 'Line 2 (CHA-VERDE): no product has this SKU.', [{ path: '/items/1/sku', message: 'no product has this SKU' }]));

    const chaQuantity = screen.getByRole('spinbutton', { name: `Quantity of ${cha.name}` });
    await waitFor(() => expect(chaQuantity.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(chaQuantity)).toBe('This product is no longer sold. Remove it to place the order.');
    expect(screen.getByRole('spinbutton', { name: `Quantity of ${cafe.name}` }).hasAttribute('aria-invalid')).toBe(false);
    expect(screen.getByRole('alert').textContent).toContain('Some items need your attention');

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The server could not be reached');

    // A shop too busy to take the order now: it says so, and the next try goes in.
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Many orders are being placed right now and yours was not placed.'));

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    expect(app.location()).toBe(`/orders/${placed.id}`);
    expect(screen.getByText('Order #1042 placed.').closest('[role="status"]')).toBeTruthy();
    expect(screen.getByTestId('order-status').textContent).toBe('Pending');
    expect(stored()).toBeNull();

    const posts: RecordedRequest[] = http.to('POST', '/api/orders');
    expect(posts).toHaveLength(4);
    const keys = new Set(posts.map((p) => p.headers.get('idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    for (const post of posts) {
      expect(post.body).toEqual({ items: [{ sku: cafe.sku, quantity: 2 }, { sku: cha.sku, quantity: 1 }], shippingAddress: address, paymentMethod: 'pm_card_visa' });
      expect(post.headers.get('authorization')).toBe(`Bearer ${tokens().accessToken}`);
    }
  });

  /** The rejection reaches the stream first, the 201 that placed the order after it; `readAgain` answers the read that follows. */
  async function placeRejectedBeforeAnswered(readAgain: (rejected: ReturnType<typeof order>) => Response | Promise<Response>) {
    setSession(sessionFromTokens(tokens()));
    rememberAddress();
    cart.add(cafe, 20);
    const placed = order();
    const rejected = order({
      status: 'rejected',
      updatedAt: '2026-11-29T12:00:00.050Z',
      history: [...placed.history, { status: 'rejected', at: '2026-11-29T12:00:00.050Z', reason: 'out_of_stock', actor: null }],
    });
    const events = new TransformStream<string, string>();
    const writer = events.writable.getWriter();
    stubFetch({
      ...shop,
      'GET /api/orders/stream': () =>
        new Response(events.readable.pipeThrough(new TextEncoderStream()), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      'POST /api/orders': async () => {
        await writer.write(`id: 2\nevent: order\ndata: ${JSON.stringify(rejected)}\n\n`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return json(201, placed, { location: `/api/orders/${placed.id}` });
      },
      [`GET /api/orders/${placed.id}`]: () => readAgain(rejected),
    });
    const user = userEvent.setup();
    renderApp('/cart');
    await payWithVisa(user);

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('order-status').textContent).toBe('Rejected'));
    await writer.close();
  }

  it('shows the order Rejected when the stream said so before the answer that placed it arrived', async () => {
    await placeRejectedBeforeAnswered((rejected) => json(200, rejected));
  });

  it('keeps the state the stream told before the answer that placed the order arrived, even when reading the order again fails', async () => {
    // Only the stream may tell: reading the order fails.
    await placeRejectedBeforeAnswered(() => Promise.reject(new TypeError('Failed to fetch')));
  });

  it('starts a new attempt, with a new key, when the cart changes', () => {
    cart.add(cafe);
    const body = (quantity: number) => JSON.stringify({ items: [{ sku: cafe.sku, quantity }] });
    const key = cart.checkoutKey(body(1));
    expect(cart.checkoutKey(body(1))).toBe(key);
    expect(cart.checkoutKey(body(2))).not.toBe(key);
  });

  it('confirms an addition with a toast in Portuguese too', async () => {
    await changeLanguage('pt-BR');
    stubFetch(shop);
    renderApp('/');
    const card = await screen.findByRole('article', { name: cafe.name });
    await userEvent.setup().click(within(card).getByRole('button', { name: 'Adicionar ao carrinho' }));
    expect((await screen.findByText(`${cafe.name} foi adicionado ao carrinho`)).closest('[role="status"]')).toBeTruthy();
  });
});
