import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../../../test/http';
import { tokens } from '../../../test/fixtures';
import { renderApp, descriptionOf } from '../../../test/render';

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('sign-in form', () => {
  it('shows a field error from the problem+json response on that field, in our words, and no alert', async () => {
    stubFetch({
      'POST /api/auth/login': () =>
        problem(400, 'REQUEST.VALIDATION', 'Invalid request: /password must NOT have more than 256 characters.', [
          { path: '/password', message: 'must NOT have more than 256 characters' },
        ]),
    });
    renderApp('/login');
    await fillAndSubmit('ana@example.com', 'x'.repeat(20));

    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(password)).toContain('This value was not accepted. Check it.');
    expect(descriptionOf(password)).not.toContain('must NOT');
    expect(screen.getByLabelText('Email').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows wrong credentials in an alert, not on a field', async () => {
    stubFetch({ 'POST /api/auth/login': () => problem(401, 'AUTH.INVALID_CREDENTIALS', 'The email or password is wrong.') });
    renderApp('/login');
    await fillAndSubmit('ana@example.com', 'wrong-password');

    expect((await screen.findByRole('alert')).textContent).toContain('The email or password is wrong.');
    expect(screen.getByLabelText('Password').hasAttribute('aria-invalid')).toBe(false);
  });

  it('asks for empty fields without calling the server', async () => {
    const http = stubFetch({});
    renderApp('/login');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in' }));

    expect(descriptionOf(screen.getByLabelText('Email'))).toContain('Enter your email address.');
    expect(descriptionOf(screen.getByLabelText('Password'))).toContain('Enter your password.');
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    expect(http.to('POST', '/api/auth/login')).toHaveLength(0);
  });

  it('signs in, keeps the session for the next visit and shows the user in the header', async () => {
    const http = stubFetch({
      'POST /api/auth/login': () => json(200, tokens()),
      'GET /api/products': () => json(200, { items: [], nextCursor: null }),
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    });
    const app = renderApp('/login');
    await fillAndSubmit('  ana@example.com ', 'correct horse battery');

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(await within(nav).findByRole('link', { name: 'My orders' })).toBeTruthy();
    expect(within(nav).queryByRole('link', { name: 'Sign in' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(screen.getByText('Ana Souza')).toBeTruthy();
    // The session is stored first, then the form navigates: the header can show it a render earlier.
    await waitFor(() => expect(app.location()).toBe('/'));
    expect(http.to('POST', '/api/auth/login')[0]!.body).toEqual({ email: 'ana@example.com', password: 'correct horse battery' });
    expect(JSON.parse(window.localStorage.getItem('pedidos.session')!)).toMatchObject({ accessToken: tokens().accessToken, refreshToken: 'refresh-1' });
  });

  it('takes an administrator to the back office’s orders, not the catalog', async () => {
    stubFetch({
      'POST /api/auth/login': () => json(200, tokens('admin')),
      'GET /api/orders': () => json(200, { items: [], nextCursor: null }),
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    });
    const app = renderApp('/login');
    await fillAndSubmit('admin@example.com', 'correct horse battery');

    expect(await screen.findByRole('heading', { level: 1, name: 'All orders' })).toBeTruthy();
    expect(app.location()).toBe('/admin/orders');
  });
});
