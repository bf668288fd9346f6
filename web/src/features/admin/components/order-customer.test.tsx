import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { changeLanguage } from '../../../lib/i18n';
import { json, stubFetch } from '../../../test/http';
import { order, payment, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const address = { name: 'Ana Souza', line1: 'Rua Augusta, 100', line2: 'apto 12', city: 'São Paulo', state: 'SP', postalCode: '01305-000', country: 'BR' };

function openAsAdmin(shown: ReturnType<typeof order>) {
  setSession(sessionFromTokens(tokens('admin')));
  stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    [`GET /api/orders/${shown.id}`]: () => json(200, shown),
    [`GET /api/payments/${shown.id}`]: () => json(200, payment()),
  });
  renderApp(`/admin/orders/${shown.id}`);
}

describe('an order in the back office', () => {
  it('shows who ordered and the address it ships to', async () => {
    openAsAdmin(order({ shippingAddress: address }));
    const section = within(await screen.findByRole('region', { name: 'Customer' }));
    expect(section.getByText('Ana Souza', { selector: 'dd' })).toBeTruthy();
    expect(section.getByRole('link', { name: 'ana@example.com' }).getAttribute('href')).toBe('mailto:ana@example.com');
    const lines = section.getByTestId('shipping-address').children;
    expect([...lines].map((line) => line.textContent)).toEqual(['Ana Souza', 'Rua Augusta, 100', 'apto 12', 'São Paulo – SP', '01305-000', 'Brazil']);
  });

  it('names the country in Portuguese for a Portuguese reader', async () => {
    await changeLanguage('pt-BR');
    openAsAdmin(order({ shippingAddress: { ...address, line2: null, country: 'PT', postalCode: '1100-148', city: 'Lisboa', state: 'Lisboa' } }));
    const section = within(await screen.findByRole('region', { name: 'Cliente' }));
    const lines = section.getByTestId('shipping-address').children;
    expect([...lines].map((line) => line.textContent)).toEqual(['Ana Souza', 'Rua Augusta, 100', 'Lisboa – Lisboa', '1100-148', 'Portugal']);
  });

  it('says so in Portuguese when the order has no address and its customer was not recorded', async () => {
    await changeLanguage('pt-BR');
    openAsAdmin(order({ customer: null, shippingAddress: null }));
    const section = within(await screen.findByRole('region', { name: 'Cliente' }));
    expect(section.getAllByText('Não registrado')).toHaveLength(2);
    expect(section.getByText('Nenhum endereço de entrega foi informado')).toBeTruthy();
  });
});
