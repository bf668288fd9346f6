import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../../../test/http';
import { tokens } from '../../../test/fixtures';
import { changeLanguage } from '../../../lib/i18n';
import { renderApp, descriptionOf } from '../../../test/render';

async function register(values: { name: string; email: string; password: string }) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Name'), values.name);
  await user.type(screen.getByLabelText('Email'), values.email);
  await user.type(screen.getByLabelText('Password'), values.password);
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

const ana = { name: 'Ana Souza', email: 'ana@example.com', password: 'aaaaaaaaaaaa' };

describe('registration form', () => {
  it('puts a weak-password problem on the Password field, in our words', async () => {
    stubFetch({
      'POST /api/auth/register': () =>
        problem(400, 'USER.WEAK_PASSWORD', 'The password is all the same character.', [{ path: '/password', message: 'is all the same character' }]),
    });
    renderApp('/register');
    await register(ana);

    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(password)).toContain('This password is too easy to guess');
    expect(screen.getByLabelText('Name').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('puts every field error on its own field, in our words, never the server’s', async () => {
    stubFetch({
      'POST /api/auth/register': () =>
        problem(400, 'REQUEST.VALIDATION', 'Invalid request: /email must match format "email"; /name must match pattern "\\S".', [
          { path: '/email', message: 'must match format "email"' },
          { path: '/name', message: 'must match pattern "\\S"' },
        ]),
    });
    renderApp('/register');
    // Both pass the browser's check (the schema's), so the server's pointers are what place them.
    await register(ana);

    await waitFor(() => expect(descriptionOf(screen.getByLabelText('Email'))).toBe('Enter an email address like name@example.com.'));
    expect(descriptionOf(screen.getByLabelText('Name'))).toBe('Enter your name on one line, in at most 100 characters.');
    expect(screen.getByLabelText('Password').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says the same in Portuguese', async () => {
    await changeLanguage('pt-BR');
    stubFetch({
      'POST /api/auth/register': () =>
        problem(400, 'REQUEST.VALIDATION', 'Invalid request: /email must match format "email".', [{ path: '/email', message: 'must match format "email"' }]),
    });
    renderApp('/register');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Nome'), ana.name);
    await user.type(screen.getByLabelText('E-mail'), ana.email);
    await user.type(screen.getByLabelText('Senha'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Criar conta' }));

    await waitFor(() => expect(descriptionOf(screen.getByLabelText('E-mail'))).toBe('Informe um e-mail como nome@exemplo.com.'));
    expect(document.body.textContent).not.toContain('must match');
  });

  it('checks the e-mail and the password’s length in the browser, in Portuguese too', async () => {
    await changeLanguage('pt-BR');
    const http = stubFetch({});
    renderApp('/register');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Nome'), ana.name);
    await user.type(screen.getByLabelText('E-mail'), 'ana@');
    await user.type(screen.getByLabelText('Senha'), 'curta');
    await user.click(screen.getByRole('button', { name: 'Criar conta' }));

    await waitFor(() => expect(descriptionOf(screen.getByLabelText('E-mail'))).toBe('Informe um e-mail como nome@exemplo.com.'));
    expect(descriptionOf(screen.getByLabelText('Senha'))).toContain('Use pelo menos 10 caracteres.');
    expect(http.to('POST', '/api/auth/register')).toHaveLength(0);
  });

  it('refuses what the contract refuses before calling the server, and focuses the first such field', async () => {
    const http = stubFetch({});
    renderApp('/register');
    await register({ name: '   ', email: 'ana-at-example', password: 'short' });

    const name = screen.getByLabelText('Name');
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(name)).toContain('Enter your name.');
    expect(descriptionOf(screen.getByLabelText('Email'))).toContain('Enter an email address like name@example.com.');
    // The policy's minimum, shared with the identity service through the contracts.
    expect(descriptionOf(screen.getByLabelText('Password'))).toContain('Use at least 10 characters.');
    expect(document.activeElement).toBe(name);
    expect(http.to('POST', '/api/auth/register')).toHaveLength(0);
  });

  it('asks for an empty password by name, before its length', async () => {
    stubFetch({});
    renderApp('/register');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), ana.name);
    await user.type(screen.getByLabelText('Email'), ana.email);
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(descriptionOf(password)).toContain('Enter your password.'));
    expect(document.activeElement).toBe(password);
  });

  it('shows a taken email address on the Email field', async () => {
    stubFetch({ 'POST /api/auth/register': () => problem(409, 'USER.EMAIL_TAKEN', 'An account with this email address already exists.') });
    renderApp('/register');
    await register(ana);

    await waitFor(() => expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(screen.getByLabelText('Email'))).toContain('An account with this email address already exists.');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows what no field explains in an alert', async () => {
    stubFetch({ 'POST /api/auth/register': () => problem(429, 'REQUEST.RATE_LIMITED', 'Rate limit exceeded, retry in 1 minute') });
    renderApp('/register');
    await register(ana);
    expect((await screen.findByRole('alert')).textContent).toContain('Too many attempts');
  });

  it('creates the account, then signs in with it', async () => {
    const http = stubFetch({
      'POST /api/auth/register': () => json(201, tokens().user),
      'POST /api/auth/login': () => json(200, tokens()),
      'GET /api/products': () => json(200, { items: [], nextCursor: null }),
      'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    });
    const app = renderApp('/register');
    await register({ ...ana, password: 'correct horse battery' });

    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeTruthy();
    // The session is stored first, then the form navigates: the header can show it a render earlier.
    await waitFor(() => expect(app.location()).toBe('/'));
    expect(http.to('POST', '/api/auth/register')[0]!.body).toEqual({ name: 'Ana Souza', email: 'ana@example.com', password: 'correct horse battery' });
    expect(http.to('POST', '/api/auth/login')[0]!.body).toEqual({ email: 'ana@example.com', password: 'correct horse battery' });
  });
});
