import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, problem, stubFetch } from '../../../test/http';
import { product } from '../../../test/fixtures';
import { descriptionOf, renderApp } from '../../../test/render';

const withImage = product({ imageUrl: '/api/products/CAFE-1KG/image?v=abc', description: 'Torra média.\n\nPara coador,\nprensa ou espresso.' });

describe('catalog cards', () => {
  it('show the photo, loaded lazily, and link the name to the product page', async () => {
    stubFetch({ 'GET /api/products': () => json(200, { items: [withImage, product({ sku: 'CHA-1', name: 'Chá', imageUrl: null })], nextCursor: null }) });
    const { location } = renderApp('/');
    const card = await screen.findByRole('article', { name: 'Café em grãos 1 kg' });
    const photo = within(card).getByRole('img', { name: 'Photo of Café em grãos 1 kg' });
    expect(photo.getAttribute('src')).toBe('/api/products/CAFE-1KG/image?v=abc');
    expect(photo.getAttribute('loading')).toBe('lazy');
    expect(within(screen.getByRole('article', { name: 'Chá' })).queryByRole('img')).toBeNull();

    await userEvent.setup().click(within(card).getByRole('link', { name: 'Café em grãos 1 kg' }));
    expect(location()).toBe('/products/CAFE-1KG');
  });

  it('offer what the product page does: SKU, price, stock and an add button, disabled when none is left', async () => {
    stubFetch({ 'GET /api/products': () => json(200, { items: [withImage, product({ sku: 'CHA-1', name: 'Chá', price: 1250, available: 0 })], nextCursor: null }) });
    renderApp('/');
    const inStock = await screen.findByRole('article', { name: 'Café em grãos 1 kg' });
    expect(within(inStock).getAllByRole('paragraph').map((p) => p.textContent)).toEqual(['CAFE-1KG', 'R$49.90', 'In stock: 10']);
    expect((within(inStock).getByRole('button', { name: 'Add to cart' }) as HTMLButtonElement).disabled).toBe(false);
    const soldOut = screen.getByRole('article', { name: 'Chá' });
    expect(within(soldOut).getAllByRole('paragraph').map((p) => p.textContent)).toEqual(['CHA-1', 'R$12.50', 'Out of stock']);
    expect((within(soldOut).getByRole('button', { name: 'Add to cart' }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.setup().click(within(inStock).getByRole('button', { name: 'Add to cart' }));
    expect(await screen.findByText('Café em grãos 1 kg added to the cart')).toBeTruthy();
  });
});

describe('product page', () => {
  it('shows the photo, the description in its paragraphs, price and stock, and adds to the cart', async () => {
    stubFetch({ 'GET /api/products/CAFE-1KG': () => json(200, withImage) });
    renderApp('/products/CAFE-1KG');
    expect(await screen.findByRole('heading', { level: 1, name: 'Café em grãos 1 kg' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Photo of Café em grãos 1 kg' })).toBeTruthy();
    const description = screen.getByRole('region', { name: 'Description' });
    expect(within(description).getAllByRole('paragraph').map((p) => p.textContent)).toEqual(['Torra média.', 'Para coador,\nprensa ou espresso.']);
    expect(screen.getByText('CAFE-1KG')).toBeTruthy();
    expect(screen.getByText('R$49.90')).toBeTruthy();
    expect(screen.getByText('In stock: 10')).toBeTruthy();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Add to cart' }));
    expect(await screen.findByText('Café em grãos 1 kg added to the cart')).toBeTruthy();
    expect(descriptionOf(screen.getByRole('link', { name: /^Cart/ }))).toBe('1 item');
  });

  it('says so when there is no such product', async () => {
    stubFetch({ 'GET /api/products/NOPE': () => problem(404, 'PRODUCT.NOT_FOUND', 'No product has SKU NOPE.') });
    renderApp('/products/NOPE');
    expect(await screen.findByRole('heading', { level: 1, name: 'Product not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to the catalog' })).toBeTruthy();
  });

  it('cannot add what is out of stock', async () => {
    stubFetch({ 'GET /api/products/CAFE-1KG': () => json(200, product({ available: 0, reserved: 12 })) });
    renderApp('/products/CAFE-1KG');
    expect(await screen.findByText('Out of stock')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Add to cart' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
