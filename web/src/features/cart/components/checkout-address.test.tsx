import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, problem, stubFetch } from '../../../test/http';
import { order, product, tokens } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';
import { cart } from '../cart-store';

const placed = order();
const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

function checkout(post: () => Response = () => json(201, placed, { location: `/api/orders/${placed.id}` })) {
  setSession(sessionFromTokens(tokens()));
  cart.add(product(), 2);
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'POST /api/orders': post,
    [`GET /api/orders/${placed.id}`]: () => json(200, placed),
  });
  const user = userEvent.setup();
  const app = renderApp('/cart');
  return { http, user, app };
}

async function payWithVisa(user: ReturnType<typeof userEvent.setup>) {
  await user.type(input('Card number'), '4242 4242 4242 4242');
  await user.type(input('Expiry date'), '12/34');
  await user.type(input('Security code (CVC)'), '123');
}

// Typing a whole address takes a while when the machine is busy.
describe('the checkout’s shipping address', { timeout: 20_000 }, () => {
  it('asks for each missing field and for a CEP in Brazil, at the field, focusing the first, and sends nothing until right', async () => {
    const { http, user } = checkout();
    // The signed-in customer's name, and Brazil, to start with.
    expect(input('Full name').value).toBe('Ana Souza');
    expect((screen.getByLabelText('Country') as HTMLSelectElement).value).toBe('BR');
    await payWithVisa(user);

    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(input('Address line 1').getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(input('Address line 1'))).toBe('Street and number Enter the street and number.');
    expect(descriptionOf(input('City'))).toBe('Enter the city.');
    expect(descriptionOf(input('State'))).toBe('Enter the state.');
    expect(descriptionOf(input('CEP (postal code)'))).toBe('Eight digits, e.g. 01305-000 Enter the postal code.');
    expect(input('Full name').hasAttribute('aria-invalid')).toBe(false);
    expect(input('Address line 2 (optional)').hasAttribute('aria-invalid')).toBe(false);
    expect(document.activeElement).toBe(input('Address line 1'));
    expect(http.to('POST', '/api/orders')).toHaveLength(0);

    await user.type(input('Address line 1'), 'Rua Augusta, 100');
    await user.type(input('City'), 'São Paulo');
    await user.type(input('State'), 'SP');
    await user.type(input('CEP (postal code)'), '1305-000');
    // Editing a field takes its message away.
    expect(input('City').hasAttribute('aria-invalid')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(descriptionOf(input('CEP (postal code)'))).toBe('Eight digits, e.g. 01305-000 Enter a CEP with eight digits, e.g. 01305-000.');
    expect(document.activeElement).toBe(input('CEP (postal code)'));
    expect(http.to('POST', '/api/orders')).toHaveLength(0);

    await user.clear(input('CEP (postal code)'));
    await user.type(input('CEP (postal code)'), '01305000');
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    expect(http.to('POST', '/api/orders')[0]?.body).toMatchObject({
      shippingAddress: { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: null, city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' },
    });
  });

  it('takes any postal code outside Brazil, and names its fields for the browser to fill', async () => {
    const { http, user } = checkout();
    const autocomplete = (label: string) => screen.getByLabelText(label).getAttribute('autocomplete');
    expect(autocomplete('Full name')).toBe('shipping name');
    expect(autocomplete('Address line 1')).toBe('shipping address-line1');
    expect(autocomplete('Address line 2 (optional)')).toBe('shipping address-line2');
    expect(autocomplete('City')).toBe('shipping address-level2');
    expect(autocomplete('State')).toBe('shipping address-level1');
    expect(autocomplete('CEP (postal code)')).toBe('shipping postal-code');
    expect(autocomplete('Country')).toBe('shipping country');

    await user.selectOptions(screen.getByLabelText('Country'), 'Portugal');
    await user.type(input('Address line 1'), 'Rua Garrett, 50');
    await user.type(input('City'), 'Lisboa');
    await user.type(input('State'), 'Lisboa');
    await user.type(input('Postal code'), '1200-203');
    await payWithVisa(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    expect(http.to('POST', '/api/orders')[0]?.body).toMatchObject({ shippingAddress: { postalCode: '1200-203', country: 'PT' } });
  });

  it('starts the next checkout from the last address, for the same customer only', async () => {
    const { user, app } = checkout();
    await user.type(input('Address line 1'), 'Rua Augusta, 100');
    await user.type(input('Address line 2 (optional)'), 'Apto 12');
    await user.type(input('City'), 'São Paulo');
    await user.type(input('State'), 'SP');
    await user.type(input('CEP (postal code)'), '01305-000');
    await payWithVisa(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order #1042' })).toBeTruthy();
    app.unmount();

    cart.add(product());
    const again = renderApp('/cart');
    expect(input('Address line 1').value).toBe('Rua Augusta, 100');
    expect(input('Address line 2 (optional)').value).toBe('Apto 12');
    expect(input('CEP (postal code)').value).toBe('01305-000');
    again.unmount();

    setSession(sessionFromTokens({ ...tokens(), user: { ...tokens().user, id: '2c9d1e7a-5b3f-4e21-8c6d-0a1b2c3d4e5f', name: 'Bruno Lima' } }));
    renderApp('/cart');
    expect(input('Full name').value).toBe('Bruno Lima');
    expect(input('Address line 1').value).toBe('');
  });

  it('puts the server’s refusal of the address on the postal code', async () => {
    const { user } = checkout(() =>
      problem(400, 'ORDER.INVALID_ADDRESS', 'Invalid shipping address: /postalCode must be a CEP.', [{ path: '/shippingAddress/postalCode', message: 'must be a CEP: eight digits, e.g. 01305-000' }]));
    await user.type(input('Address line 1'), 'Rua Augusta, 100');
    await user.type(input('City'), 'São Paulo');
    await user.type(input('State'), 'SP');
    await user.type(input('CEP (postal code)'), '01305-000');
    await payWithVisa(user);
    await user.click(screen.getByRole('button', { name: 'Place order' }));

    await waitFor(() => expect(input('CEP (postal code)').getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(input('CEP (postal code)'))).toContain('Enter a CEP with eight digits, e.g. 01305-000.');
    expect(input('City').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.getByRole('alert').textContent).toBe('Check the shipping address: see the message at its field.');
  });

  it('speaks Portuguese: CEP, Estado, and the messages', async () => {
    await changeLanguage('pt-BR');
    const { http, user } = checkout();
    expect(screen.getByRole('group', { name: 'Endereço de entrega' })).toBeTruthy();
    expect((screen.getByLabelText('País') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('Brasil');
    await user.type(input('Endereço'), 'Rua Augusta, 100');
    await user.type(input('CEP'), '123');
    await user.click(screen.getByRole('button', { name: 'Fazer pedido' }));

    expect(descriptionOf(input('Cidade'))).toBe('Informe a cidade.');
    expect(descriptionOf(input('Estado'))).toBe('Informe o estado.');
    expect(descriptionOf(input('CEP'))).toBe('Oito dígitos, por exemplo 01305-000 Informe um CEP com oito dígitos, por exemplo 01305-000.');
    expect(document.activeElement).toBe(input('Cidade'));
    expect(http.to('POST', '/api/orders')).toHaveLength(0);
  });
});
