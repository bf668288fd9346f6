import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { json, stubFetch } from '../../../test/http';
import { order, tokens } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const newer = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e51', number: 3002 });
const older = order({ id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e52', number: 3001 });

/** The first render loads the app's code: on a busy machine that can take longer than findBy's default second. */
const FIRST_PAINT = { timeout: 5000 };

describe('my orders, page by page', () => {
  it('pages with Previous and Next like the back office, and a link to a later page opens on it', async () => {
    setSession(sessionFromTokens(tokens('customer')));
    const http = stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'GET /api/orders': ({ path }) => (new URL(path, 'http://localhost').searchParams.get('cursor') === 'after-3002'
        ? json(200, { items: [older], nextCursor: null })
        : json(200, { items: [newer], nextCursor: 'after-3002' })),
    });
    const user = userEvent.setup();
    renderApp('/orders');

    expect(await screen.findByRole('link', { name: 'Order #3002' }, FIRST_PAINT)).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'Order #3001' }, FIRST_PAINT)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Order #3002' })).toBeNull();
    expect(screen.getByText('Page 2')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByRole('link', { name: 'Order #3002' }, FIRST_PAINT)).toBeTruthy();
    expect(http.to('GET', '/api/orders').every((r) => !r.path.includes('status='))).toBe(true);
  });

  it('opens on the page its URL names', async () => {
    setSession(sessionFromTokens(tokens('customer')));
    const http = stubFetch({
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
      'GET /api/orders': () => json(200, { items: [older], nextCursor: null }),
    });
    renderApp('/orders?after=after-3002');
    expect(await screen.findByRole('link', { name: 'Order #3001' }, FIRST_PAINT)).toBeTruthy();
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(new URL(http.to('GET', '/api/orders')[0]!.path, 'http://localhost').searchParams.get('cursor')).toBe('after-3002');
  });
});
