import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * What a person does in the app, by role and accessible name only (what a screen reader user
 * would find), never by CSS class or DOM shape.
 */

export interface Person {
  name: string;
  email: string;
  password: string;
}

let people = 0;
export function newPerson(first: string): Person {
  const tag = `${Date.now().toString(36)}${(people++).toString(36)}`;
  return { name: `${first} Tester`, email: `${first.toLowerCase()}.${tag}@e2e.test`, password: `pw-${tag}-long-enough` };
}

export const signOutButton = (page: Page) => page.getByRole('button', { name: 'Sign out' });

export async function signUp(page: Page, person: Person): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Name', { exact: true }).fill(person.name);
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await signOutButton(page).waitFor();
}

export async function signIn(page: Page, person: Pick<Person, 'email' | 'password'>): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await signOutButton(page).waitFor();
}

/** How far the page is wider than its window: anything above 0 sticks out sideways (scrolls on a phone). */
export const sidewaysOverflow = (page: Page) => page.evaluate(() => {
  const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
  return root.scrollWidth - root.clientWidth;
});

/** Whether `locator` has the keyboard focus. */
export const isFocused = (locator: Locator) => locator.evaluate((element: { matches(selector: string): boolean }) => element.matches(':focus'));

/** Switches the interface to Brazilian Portuguese with the header's language menu. */
export async function speakPortuguese(page: Page): Promise<void> {
  await page.getByLabel('Language').selectOption({ label: 'Português' });
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('pt-BR');
}

/** The catalog's card for the product named `name`. */
export const productCard = (page: Page, name: string) =>
  page.getByRole('article').filter({ has: page.getByRole('heading', { name, exact: true }) });

/** Opens the catalog searched down to `name` and returns its card once shown. */
export async function findInCatalog(page: Page, name: string): Promise<Locator> {
  await page.goto('/');
  // The unfiltered list stays on screen until the search answers: a card found in it can move under the click.
  const searched = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/products' && url.searchParams.get('q') === name;
  });
  await page.getByLabel('Search products').fill(name);
  await searched;
  const card = productCard(page, name);
  await card.waitFor();
  return card;
}

/** Adds `name` to the cart and, when `quantity` is given, sets its line in the cart to it. */
export async function addToCart(page: Page, name: string, quantity?: number): Promise<void> {
  const card = await findInCatalog(page, name);
  await card.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: /^Cart/ }).click();
  const field = page.getByLabel(`Quantity of ${name}`);
  await field.waitFor();
  if (quantity !== undefined) {
    await field.fill(String(quantity));
    await field.blur();
    await expect.poll(() => field.inputValue()).toBe(String(quantity));
  }
}

/** The sandbox's test cards, as a customer types them. */
export const CARDS = { visa: '4242 4242 4242 4242', declined: '4000 0000 0000 0002' } as const;

/** A Brazilian shipping address, as the checkout form asks for it. */
export const ADDRESS = { line1: 'Rua Augusta, 100', line2: 'Apto 12', city: 'São Paulo', state: 'SP', postalCode: '01305-000' } as const;

/** Types `address` into the checkout's address form (in English), the name and country left as the form has them. */
export async function fillAddress(page: Page, address: { line1: string; line2?: string; city: string; state: string; postalCode: string } = ADDRESS): Promise<void> {
  await page.getByLabel('Address line 1').fill(address.line1);
  await page.getByLabel('Address line 2 (optional)').fill(address.line2 ?? '');
  await page.getByLabel('City').fill(address.city);
  await page.getByLabel('State').fill(address.state);
  await page.getByLabel(/^(CEP \(postal code\)|Postal code)$/).fill(address.postalCode);
}

/** Pays with `card` (typed into the card form, as a customer would) and places the order, filling the address unless the form kept the last one. */
export async function placeOrder(page: Page, card: string = CARDS.visa): Promise<string> {
  if ((await page.getByLabel('Address line 1').inputValue()) === '') await fillAddress(page);
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry date').fill('12/34');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { level: 1, name: /^Order #\d+$/ }).waitFor();
  return new URL(page.url()).pathname.split('/').pop()!;
}

export const orderStatus = (page: Page) => page.getByTestId('order-status');
export const timeline = (page: Page) => page.getByRole('list', { name: 'Timeline' });

/** The status the order page shows, once it shows `expected` (or the last one seen, failing). */
export async function expectStatus(page: Page, expected: string, timeout = 20_000): Promise<void> {
  await expect.poll(async () => (await orderStatus(page).textContent())?.trim(), { timeout, interval: 100 }).toBe(expected);
}

/** The card's "In stock: N" / "Out of stock" line, as text. */
export async function stockLine(card: Locator): Promise<string> {
  return (await card.getByText(/^(In stock: \d+|Out of stock)$/).textContent())?.trim() ?? '';
}

/** axe-core on the page as it is now; only what blocks or seriously hinders someone counts. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // A toast still fading in is read at part of its opacity: its contrast is judged once it has arrived.
  await page.evaluate(() => {
    // The page's own types: this file is compiled without the DOM library.
    type Animation = { finished: Promise<unknown>; effect: { getTiming(): { iterations?: number } } | null };
    const { document } = globalThis as unknown as { document: { getAnimations(): Animation[] } };
    const ending = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
    return Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
  });
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')})`);
}
