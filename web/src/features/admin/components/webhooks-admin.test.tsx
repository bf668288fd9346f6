import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from '@pedidos/contracts/webhooks';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { json, problem, stubFetch } from '../../../test/http';
import { tokens, webhookEndpoint } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';
import { WEBHOOK_EVENT_GROUPS } from './webhook-event-types';

const ENDPOINT = webhookEndpoint();
const SECRET = 'whsec_c2VjcmV0LXNob3duLW9uY2Utb25seS0xMjM0NTY3OA==';

/** The first render loads the app's code: on a busy machine that can take longer than findBy's default second. */
const FIRST_PAINT = { timeout: 5000 };

function adminWebhooks(routes: Parameters<typeof stubFetch>[0] = {}, path = '/admin/webhooks') {
  setSession(sessionFromTokens(tokens('admin')));
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/webhooks': () => json(200, { items: [ENDPOINT] }),
    ...routes,
  });
  const app = renderApp(path);
  return { http, app, user: userEvent.setup() };
}

const registerForm = () => screen.getByRole('form', { name: 'Register an endpoint' });
const submit = (user: ReturnType<typeof userEvent.setup>) => user.click(within(registerForm()).getByRole('button', { name: 'Register endpoint' }));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('webhooks in the back office', () => {
  it('is in the admin menu, and lists each endpoint with its URL, description, events and date', async () => {
    const { user } = adminWebhooks({}, '/admin');
    const menu = await screen.findByRole('navigation', { name: 'Back office' }, FIRST_PAINT);
    await user.click(within(menu).getByRole('link', { name: 'Webhooks' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Webhooks' }, FIRST_PAINT)).toBeTruthy();

    const row = (await screen.findByRole('cell', { name: ENDPOINT.url })).closest('tr')!;
    expect(within(row).getByRole('cell', { name: 'ERP' })).toBeTruthy();
    expect(within(row).getByRole('list', { name: `Events sent to ${ENDPOINT.url}` }).textContent).toBe('order.createdpayment.captured');
    expect(within(row).getByRole('time').getAttribute('datetime')).toBe(ENDPOINT.createdAt);
    expect(within(row).getByRole('link', { name: `Deliveries to ${ENDPOINT.url}` }).getAttribute('href')).toBe(`/admin/webhooks/${ENDPOINT.id}`);
  });

  it('shows the admin home card for webhooks', async () => {
    adminWebhooks({}, '/admin');
    const card = (await screen.findByRole('heading', { level: 2, name: 'Webhooks' }, FIRST_PAINT)).closest('li')!;
    expect(within(card).getByRole('link', { name: 'Webhooks' }).getAttribute('href')).toBe('/admin/webhooks');
    expect(card.textContent).toContain('order and payment events');
  });

  it('refuses a missing URL, a URL that is not http(s) and no event before calling the server, focusing the URL', async () => {
    const { http, user } = adminWebhooks();
    await screen.findByRole('form', { name: 'Register an endpoint' }, FIRST_PAINT);
    await submit(user);

    const url = within(registerForm()).getByLabelText('URL');
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(url)).toContain('Enter the URL that receives the events.');
    const created = within(registerForm()).getByRole('checkbox', { name: /order\.created/ });
    expect(created.getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf(created)).toContain('Choose at least one event.');
    expect(document.activeElement).toBe(url);

    await user.type(url, 'ftp://erp.example.com/hooks');
    await submit(user);
    await waitFor(() => expect(descriptionOf(url)).toContain('Enter a URL starting with http:// or https://.'));
    await user.clear(url);
    await user.type(url, 'https://user:pw@erp.example.com/hooks');
    await submit(user);
    await waitFor(() => expect(descriptionOf(url)).toContain('Leave the user name and password out of the URL.'));
    expect(http.to('POST', '/api/webhooks')).toHaveLength(0);
  });

  it('groups the event types under Orders and Payments, and "All events" checks and clears them all', async () => {
    const { user } = adminWebhooks();
    const form = await screen.findByRole('form', { name: 'Register an endpoint' }, FIRST_PAINT);
    const orders = within(form).getByRole('group', { name: 'Orders' });
    const payments = within(form).getByRole('group', { name: 'Payments' });
    expect(within(orders).getAllByRole('checkbox').map((c) => (c as HTMLInputElement).value))
      .toEqual(['order.created', 'order.status-changed', 'order.cancelled', 'order.shipped']);
    expect(within(payments).getAllByRole('checkbox').map((c) => (c as HTMLInputElement).value))
      .toEqual(['payment.authorized', 'payment.declined', 'payment.captured', 'payment.voided', 'payment.refunded']);
    // No type of the contract is left out of the groups.
    expect(WEBHOOK_EVENT_GROUPS.flatMap((g) => g.types).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());

    const all = within(form).getByRole('checkbox', { name: 'All events' }) as HTMLInputElement;
    const boxes = () => [...within(orders).getAllByRole('checkbox'), ...within(payments).getAllByRole('checkbox')] as HTMLInputElement[];
    await user.click(within(orders).getByRole('checkbox', { name: /order\.shipped/ }));
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(true);
    await user.click(all);
    expect(boxes().every((b) => b.checked)).toBe(true);
    expect(all.checked).toBe(true);
    await user.click(all);
    expect(boxes().some((b) => b.checked)).toBe(false);
    expect(all.indeterminate).toBe(false);
  });

  it('sends the trimmed URL, the chosen events and the description, then shows the secret once with a copy button and a link to the deliveries', async () => {
    const added: WebhookEndpoint = { ...ENDPOINT, id: '5a1c0e2b-9d3f-4e6a-8b7c-1d2e3f4a5b61', url: 'https://crm.example.com/in', events: ['order.created', 'order.shipped'], description: 'CRM' };
    const { http, user, app } = adminWebhooks({
      'GET /api/webhooks': [() => json(200, { items: [ENDPOINT] }), () => json(200, { items: [ENDPOINT, added] })],
      'POST /api/webhooks': () => json(201, { ...added, secret: SECRET }),
    });
    const form = await screen.findByRole('form', { name: 'Register an endpoint' }, FIRST_PAINT);
    await user.type(within(form).getByLabelText('URL'), '  https://crm.example.com/in ');
    await user.type(within(form).getByLabelText('Description (optional)'), ' CRM ');
    await user.click(within(form).getByRole('checkbox', { name: /order\.created/ }));
    await user.click(within(form).getByRole('checkbox', { name: /order\.shipped/ }));
    await submit(user);

    const box = await screen.findByRole('region', { name: 'Signing secret' });
    // Focus goes to the box, above the form just sent: a screen reader reads it out.
    await waitFor(() => expect(document.activeElement).toBe(within(box).getByRole('heading', { name: 'Signing secret' })));
    expect(http.to('POST', '/api/webhooks')[0]!.body).toEqual({ url: 'https://crm.example.com/in', events: ['order.created', 'order.shipped'], description: 'CRM' });
    expect((within(box).getByLabelText('Signing secret') as HTMLInputElement).value).toBe(SECRET);
    expect(box.textContent).toContain('it will not be shown again');
    expect(within(box).getByRole('link', { name: "See this endpoint's deliveries" }).getAttribute('href')).toBe(`/admin/webhooks/${added.id}`);
    await user.click(within(box).getByRole('button', { name: 'Copy secret' }));
    expect(await within(box).findByText('Copied to the clipboard.')).toBeTruthy();
    // user-event stands in for the browser's clipboard.
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    // The form is ready for the next endpoint, and the list shows the new one.
    expect((within(form).getByLabelText('URL') as HTMLInputElement).value).toBe('');
    expect(await screen.findByRole('cell', { name: added.url })).toBeTruthy();

    await user.click(within(box).getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByRole('region', { name: 'Signing secret' })).toBeNull();
    // Focus goes on to the form, not to the top of the page.
    expect(document.activeElement).toBe(within(form).getByLabelText('URL'));
    expect(screen.queryByDisplayValue(SECRET)).toBeNull();
    // Nor is it kept in memory, in the answer that brought it.
    await waitFor(() => expect(JSON.stringify(app.queryClient.getMutationCache().getAll().map((m) => m.state.data))).not.toContain(SECRET));
  });

  it('shows the next endpoint\'s secret afresh: nothing said about copying the last one', async () => {
    const second = { ...ENDPOINT, id: '5a1c0e2b-9d3f-4e6a-8b7c-1d2e3f4a5b62', secret: `${SECRET.slice(0, -2)}A=` };
    const { user } = adminWebhooks({ 'POST /api/webhooks': [() => json(201, { ...ENDPOINT, secret: SECRET }), () => json(201, second)] });
    const form = await screen.findByRole('form', { name: 'Register an endpoint' }, FIRST_PAINT);
    const register = async () => {
      await user.type(within(form).getByLabelText('URL'), ENDPOINT.url);
      await user.click(within(form).getByRole('checkbox', { name: 'All events' }));
      await submit(user);
    };
    await register();
    const first = await screen.findByRole('region', { name: 'Signing secret' });
    await user.click(within(first).getByRole('button', { name: 'Copy secret' }));
    expect(await within(first).findByText('Copied to the clipboard.')).toBeTruthy();

    await register();
    expect(await screen.findByDisplayValue(second.secret)).toBeTruthy();
    const box = screen.getByRole('region', { name: 'Signing secret' });
    expect(within(box).queryByText('Copied to the clipboard.')).toBeNull();
  });

  it('keeps the secret on screen when the next try is refused', async () => {
    const { http, user } = adminWebhooks({
      'POST /api/webhooks': [
        () => json(201, { ...ENDPOINT, secret: SECRET }),
        () => problem(400, 'WEBHOOK.INVALID_URL', 'The URL cannot receive webhooks.', [{ path: '/url', message: 'a private address' }]),
      ],
    });
    const form = await screen.findByRole('form', { name: 'Register an endpoint' }, FIRST_PAINT);
    const fill = async (url: string) => {
      await user.type(within(form).getByLabelText('URL'), url);
      await user.click(within(form).getByRole('checkbox', { name: 'All events' }));
      await submit(user);
    };
    await fill(ENDPOINT.url);
    await screen.findByRole('region', { name: 'Signing secret' });

    // Refused by the server, not by the form: the box still shows the first endpoint's secret.
    await fill('https://hooks.example.org/other');
    await waitFor(() => expect(within(form).getByLabelText('URL').getAttribute('aria-invalid')).toBe('true'));
    expect(http.to('POST', '/api/webhooks')).toHaveLength(2);
    expect(screen.getByDisplayValue(SECRET)).toBeTruthy();
  });

  it('shows the server refusing the URL (a private address) at the URL field', async () => {
    const { user } = adminWebhooks({
      'POST /api/webhooks': () => problem(400, 'WEBHOOK.INVALID_URL', 'The URL cannot receive webhooks: 127.0.0.1 is a private, loopback or link-local address (127.0.0.1).', [
        { path: '/url', message: '127.0.0.1 is a private, loopback or link-local address (127.0.0.1)' },
      ]),
    });
    const form = await screen.findByRole('form', { name: 'Register an endpoint' }, FIRST_PAINT);
    const url = within(form).getByLabelText('URL');
    await user.type(url, 'http://127.0.0.1:9/hooks');
    await user.click(within(form).getByRole('checkbox', { name: /order\.created/ }));
    await submit(user);

    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(url)).toContain('This address cannot receive webhooks');
    expect(document.activeElement).toBe(url);
    expect(within(form).queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Signing secret' })).toBeNull();
  });

  it('removes an endpoint only after the confirmation, and going back sends nothing', async () => {
    const { http, user } = adminWebhooks({
      'GET /api/webhooks': [() => json(200, { items: [ENDPOINT] }), () => json(200, { items: [] })],
      [`DELETE /api/webhooks/${ENDPOINT.id}`]: () => new Response(null, { status: 204 }),
    });
    const remove = await screen.findByRole('button', { name: `Remove ${ENDPOINT.url}` }, FIRST_PAINT);
    await user.click(remove);
    let dialog = screen.getByRole('alertdialog', { name: `Remove the endpoint ${ENDPOINT.url}?` });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Go back' }));
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(http.to('DELETE', `/api/webhooks/${ENDPOINT.id}`)).toHaveLength(0);

    await user.click(remove);
    dialog = screen.getByRole('alertdialog', { name: `Remove the endpoint ${ENDPOINT.url}?` });
    await user.click(within(dialog).getByRole('button', { name: 'Yes, remove it' }));
    expect(await screen.findByText('No endpoint registered yet.')).toBeTruthy();
    expect(http.to('DELETE', `/api/webhooks/${ENDPOINT.id}`)).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // Said once it is done, where a screen reader reads it.
    expect(screen.getByRole('status').textContent).toBe(`${ENDPOINT.url} was removed.`);
  });
});
