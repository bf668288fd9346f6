import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { adminApi, customerOrders, uniqueProduct, type AdminApi } from './support/api';
import { screenshot, useBrowser, useVisitors } from './support/browser';
import { ADMIN, useShop } from './support/shop';
import { newPerson, seriousA11yViolations, sidewaysOverflow, signIn, speakPortuguese } from './support/ui';

/** A real 4×3 PNG, so the browser can draw it. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGM4UaEBRww4OQBQxhDhqjivfwAAAABJRU5ErkJggg==', 'base64');

/** What the tests read and click, in each language. */
const WORDS = {
  en: {
    search: 'Search products', edit: 'Edit', save: 'Save', image: 'Image', upload: 'Upload image', replace: 'Replace image', description: 'Description',
    imageForm: (name: string) => `Image of ${name}`, editForm: (name: string) => `Edit ${name}`, photo: (name: string) => `Photo of ${name}`,
    preview: 'Preview of the chosen image', saved: 'Image saved.',
    unsupported: 'This file is not a JPEG, PNG or WebP image. Choose one of those.',
    addToCart: 'Add to cart', added: (name: string) => `${name} added to the cart`, cart: /^Cart/, quantityOf: (name: string) => `Quantity of ${name}`,
    adjustForm: (sku: string) => `Adjust stock of ${sku}`, quantityChange: 'Quantity change', reason: 'Reason', apply: 'Apply',
    reservedLimit: 'At most 3 can be removed: the rest is reserved for orders.',
    onHandLimit: 'At most 2 can be removed: that is all there is on hand.',
    reservedWord: /reserv/i,
    onHandChange: 'On-hand change', reservedChange: 'Reserved change', reservation: 'Reservation', adjustment: 'Adjustment', noChange: 'No change',
  },
  'pt-BR': {
    search: 'Buscar produtos', edit: 'Editar', save: 'Salvar', image: 'Imagem', upload: 'Enviar imagem', replace: 'Trocar imagem', description: 'Descrição',
    imageForm: (name: string) => `Imagem de ${name}`, editForm: (name: string) => `Editar ${name}`, photo: (name: string) => `Foto de ${name}`,
    preview: 'Prévia da imagem escolhida', saved: 'Imagem salva.',
    unsupported: 'Este arquivo não é uma imagem JPEG, PNG ou WebP. Escolha uma imagem de um desses tipos.',
    addToCart: 'Adicionar ao carrinho', added: (name: string) => `${name} foi adicionado ao carrinho`, cart: /^Carrinho/, quantityOf: (name: string) => `Quantidade de ${name}`,
    adjustForm: (sku: string) => `Ajustar estoque de ${sku}`, quantityChange: 'Variação da quantidade', reason: 'Motivo', apply: 'Aplicar',
    reservedLimit: 'No máximo 3 unidades podem ser removidas: o restante está reservado para pedidos.',
    onHandLimit: 'No máximo 2 unidades podem ser removidas: é tudo o que há em estoque.',
    reservedWord: /reserv/i,
    onHandChange: 'Variação em estoque', reservedChange: 'Variação reservada', reservation: 'Reserva', adjustment: 'Ajuste', noChange: 'Sem variação',
  },
} as const;

type Language = keyof typeof WORDS;

/** Every behaviour in English on a desktop and in Portuguese on a phone. */
const SETUPS = [
  { language: 'en', phone: false, label: 'English, desktop' },
  { language: 'pt-BR', phone: true, label: 'Português, phone' },
] as const satisfies readonly { language: Language; phone: boolean; label: string }[];

/** Whether the browser has drawn the image (it arrived, and was a picture it could decode). */
const drawn = (image: Locator) => image.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0);

describe('product photos, descriptions and the product page', () => {
  // The demo catalog has "Pão de queijo congelado 1 kg", for the search without accents.
  const shop = useShop({ env: { SEED_DEMO_DATA: 'true' } });
  const browser = useBrowser();
  let admin: AdminApi;
  const open = useVisitors(browser, () => shop().baseUrl);

  beforeAll(async () => {
    admin = await adminApi(shop().baseUrl);
  });


  async function visit(language: Language, phone: boolean, who: 'admin' | 'customer' = 'customer'): Promise<Page> {
    const page = await open({ phone });
    if (who === 'admin') await signIn(page, ADMIN);
    else await page.goto('/');
    if (language === 'pt-BR') await speakPortuguese(page);
    return page;
  }

  /** The back office's products page, searched down to `name`. */
  async function adminProductRow(page: Page, language: Language, name: string): Promise<Locator> {
    await page.goto('/admin/products');
    await search(page, language, name);
    const row = page.getByRole('row').filter({ hasText: name });
    await expect.poll(() => row.count()).toBe(1);
    return row;
  }

  /**
   * Types `text` into the page's product search and waits for its answer: the unfiltered list stays
   * on screen until then, and what is typed into one of its rows would be lost when the results replace it.
   */
  async function search(page: Page, language: Language, text: string): Promise<void> {
    const searched = page.waitForResponse((response) => {
      const url = new URL(response.url());
      return url.pathname === '/api/products' && url.searchParams.get('q') === text;
    });
    await page.getByLabel(WORDS[language].search).fill(text);
    await searched;
  }

  /** The shop's catalog, searched for `text`. */
  async function searchCatalog(page: Page, language: Language, text: string): Promise<void> {
    await page.goto('/');
    await search(page, language, text);
  }

  const card = (page: Page, name: string) => page.getByRole('article').filter({ has: page.getByRole('heading', { name, exact: true }) });

  /** A product with `reserved` units held by a confirmed order. */
  async function productWithReservation(label: string, onHand: number, reserved: number) {
    const product = await admin.inventory.createProduct({ ...uniqueProduct(label), price: 1000, onHand });
    if (reserved > 0) {
      const orders = await customerOrders(shop().baseUrl, newPerson('Bia'));
      // The orders service learns of a new product from inventory's event: it may not know it yet.
      const order = await eventually(async () => {
        const reply = await orders.place([{ sku: product.sku, quantity: reserved }]);
        return reply.status === 201 ? reply.body : undefined;
      }, 20_000, `${product.sku} in the orders catalog`);
      await orders.waitForStatus(order.id, 'confirmed');
    }
    return product;
  }

  for (const { language, phone, label } of SETUPS) {
    const words = WORDS[language];

    it(`an administrator gives a product a photo and a description; a customer sees both on its card and its page and adds it to the cart there (${label})`, async () => {
      const product = await admin.inventory.createProduct({ ...uniqueProduct('Café especial'), price: 4590, onHand: 8 });
      const office = await visit(language, phone, 'admin');
      const row = await adminProductRow(office, language, product.name);
      await row.getByRole('button', { name: words.edit }).click();

      const imageForm = office.getByRole('form', { name: words.imageForm(product.name) });
      const file = imageForm.getByLabel(words.image, { exact: true });
      // Not an image, though the browser calls it one: the server reads the bytes and refuses.
      await file.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some notes, not a picture') });
      await imageForm.getByRole('button', { name: words.upload }).click();
      await imageForm.getByText(words.unsupported).waitFor();
      expect(await file.getAttribute('aria-invalid')).toBe('true');

      // A PNG under a .jpg name, so the browser calls it a JPEG: the bytes decide, and it is kept as the PNG it is.
      await file.setInputFiles({ name: 'cafe.jpg', mimeType: 'image/jpeg', buffer: PNG });
      await expect.poll(() => drawn(imageForm.getByRole('img', { name: words.preview }))).toBe(true);
      await imageForm.getByRole('button', { name: words.upload }).click();
      await imageForm.getByRole('status').filter({ hasText: words.saved }).waitFor();
      await imageForm.getByRole('button', { name: words.replace }).waitFor();
      expect(await file.getAttribute('aria-invalid')).toBeNull();
      await screenshot(office, `admin-product-image-${language}${phone ? '-phone' : ''}`);

      const editForm = office.getByRole('form', { name: words.editForm(product.name) });
      await editForm.getByLabel(words.description).fill('Torra média, notas de chocolate.\n\nMoído na hora,\npara coador.');
      await editForm.getByRole('button', { name: words.save }).click();
      await editForm.waitFor({ state: 'detached' });

      const shopper = await visit(language, phone);
      await searchCatalog(shopper, language, product.name);
      const productCard = card(shopper, product.name);
      const cardPhoto = productCard.getByRole('img', { name: words.photo(product.name) });
      await expect.poll(() => drawn(cardPhoto)).toBe(true);
      expect(await cardPhoto.evaluate(async (img: { src: string }) => (await fetch(img.src)).headers.get('content-type'))).toBe('image/png');

      await productCard.getByRole('link', { name: product.name }).click();
      await shopper.waitForURL(`**/products/${product.sku}`);
      await shopper.getByRole('heading', { level: 1, name: product.name }).waitFor();
      await expect.poll(() => drawn(shopper.getByRole('img', { name: words.photo(product.name) }))).toBe(true);
      const description = shopper.getByRole('region', { name: words.description });
      expect(await description.getByRole('paragraph').allInnerTexts()).toEqual(['Torra média, notas de chocolate.', 'Moído na hora,\npara coador.']);
      await screenshot(shopper, `product-page-${language}${phone ? '-phone' : ''}`);
      expect(await seriousA11yViolations(shopper)).toEqual([]);
      expect(await sidewaysOverflow(shopper)).toBeLessThanOrEqual(0);

      await shopper.getByRole('button', { name: words.addToCart }).click();
      await shopper.getByRole('status').filter({ hasText: words.added(product.name) }).waitFor();
      await shopper.getByRole('link', { name: words.cart }).click();
      expect(await shopper.getByLabel(words.quantityOf(product.name)).inputValue()).toBe('1');
    });

    it(`the stock ledger shows on-hand and reserved changes in columns of their own, and a refused adjustment says how much may go (${label})`, async () => {
      const held = await productWithReservation('Reservado', 5, 2);
      const office = await visit(language, phone, 'admin');

      await office.goto(`/admin/products/${held.sku}/movements`);
      const table = office.getByRole('table');
      const rowOf = (kind: string) => table.getByRole('row').filter({ has: office.getByText(kind, { exact: true }) });
      await rowOf(words.reservation).waitFor();
      const headers = await table.getByRole('columnheader').allTextContents();
      expect(headers.slice(2, 4)).toEqual([words.onHandChange, words.reservedChange]);
      // When, kind, then the change of what is on hand and of what is reserved; a dash, read as "no change", for a level left alone.
      const cells = async (kind: string) => (await rowOf(kind).getByRole('cell').allTextContents()).slice(2, 4);
      expect(await cells(words.reservation)).toEqual([`—${words.noChange}`, '+2']);
      expect(await cells(words.adjustment)).toEqual(['+5', `—${words.noChange}`]);

      const row = await adminProductRow(office, language, held.name);
      const adjust = row.getByRole('form', { name: words.adjustForm(held.sku) });
      await adjust.getByLabel(words.quantityChange).fill('-4');
      await adjust.getByLabel(words.reason).fill('perda');
      await adjust.getByRole('button', { name: words.apply }).click();
      await adjust.getByText(words.reservedLimit).waitFor();
      expect(await adjust.getByLabel(words.quantityChange).getAttribute('aria-invalid')).toBe('true');

      const free = await productWithReservation('Livre', 2, 0);
      const freeRow = await adminProductRow(office, language, free.name);
      const freeAdjust = freeRow.getByRole('form', { name: words.adjustForm(free.sku) });
      await freeAdjust.getByLabel(words.quantityChange).fill('-5');
      await freeAdjust.getByLabel(words.reason).fill('perda');
      await freeAdjust.getByRole('button', { name: words.apply }).click();
      await freeAdjust.getByText(words.onHandLimit).waitFor();
      // Nothing is reserved, so nothing is said about reservations.
      expect(await freeAdjust.textContent()).not.toMatch(words.reservedWord);
    });

  }

  // Quick enough to try in every language on both screens.
  for (const language of ['en', 'pt-BR'] as const) {
    for (const phone of [false, true]) {
      it(`the catalog search ignores accents and case: "pao de queijo" finds "Pão de queijo" (${language}, ${phone ? 'phone' : 'desktop'})`, async () => {
        const shopper = await visit(language, phone);
        for (const typed of ['pao de queijo', 'PAO DE QUEIJO']) {
          await searchCatalog(shopper, language, typed);
          await card(shopper, 'Pão de queijo congelado 1 kg').waitFor();
          expect(await shopper.getByRole('article').count()).toBe(1);
        }
      });
    }
  }
});
