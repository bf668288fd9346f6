import type { Product } from '@pedidos/contracts/inventory';
import type { Order } from '@pedidos/contracts/orders';
import { inventoryApi, ordersApi, paymentsApi, send } from '../../support/http';
import { ADMIN } from './shop';
import { newPerson, type Person } from './ui';

/** A bearer for `email`, through the web server as the app gets one. */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const reply = await send<{ accessToken: string }>('POST', `${baseUrl}/api/auth/login`, { email, password });
  if (reply.status !== 200) throw new Error(`login ${email}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return `Bearer ${reply.body.accessToken}`;
}

async function ok<T>(expected: number, reply: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const { status, body } = await reply;
  if (status !== expected) throw new Error(`${what}: expected ${expected}, got ${status} ${JSON.stringify(body)}`);
  return body;
}

/** What the tests arrange behind the browser's back, as the admin, through the web server. */
export async function adminApi(baseUrl: string) {
  const bearer = await login(baseUrl, ADMIN.email, ADMIN.password);
  const headers = { authorization: bearer };
  return {
    bearer,
    inventory: inventoryApi(baseUrl, bearer),
    orders: ordersApi(baseUrl, bearer),
    payments: paymentsApi(baseUrl, bearer),
    adjust: (sku: string, delta: number, reason: string) =>
      ok<Product>(200, send('POST', `${baseUrl}/api/products/${sku}/adjustments`, { delta, reason }, headers), `adjust ${sku} by ${delta}`),
    /** The first 100 products of the catalog. */
    products: async () => (await ok<{ items: Product[] }>(200, send('GET', `${baseUrl}/api/products?limit=100`), 'list products')).items,
    deliver: (id: string) => ok<Order>(200, send('POST', `${baseUrl}/api/orders/${id}/deliver`, undefined, headers), `deliver ${id}`),
  };
}

export type AdminApi = Awaited<ReturnType<typeof adminApi>>;

const register = (baseUrl: string, person: Person) => ok(201, send('POST', `${baseUrl}/api/auth/register`, person), `register ${person.email}`);

/** A new customer account registered through the API, so a test can start at the login page. */
export async function registerCustomer(baseUrl: string, first: string): Promise<Person> {
  const person = newPerson(first);
  await register(baseUrl, person);
  return person;
}

/** A new customer account for `person`, and its orders API, as that customer. */
export async function customerOrders(baseUrl: string, person: Person) {
  await register(baseUrl, person);
  return ordersApi(baseUrl, await login(baseUrl, person.email, person.password));
}

/** A product name and SKU no other test uses. */
export function uniqueProduct(label: string): { sku: string; name: string } {
  const tag = Math.random().toString(36).slice(2, 7).toUpperCase();
  return { sku: `E2E-${label.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}-${tag}`, name: `${label} ${tag}` };
}
