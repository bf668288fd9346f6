import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';
import { json, problem, stubFetch } from '../../../test/http';
import { product, tokens } from '../../../test/fixtures';
import { renderApp, descriptionOf } from '../../../test/render';

function adminProducts(routes: Parameters<typeof stubFetch>[0] = {}) {
  setSession(sessionFromTokens(tokens('admin')));
  const http = stubFetch({
    'GET /api/orders/stream': () => new Response(null, { status: 204 }),
    'GET /api/products': () => json(200, { items: [product()], nextCursor: null }),
    ...routes,
  });
  renderApp('/admin/products');
  return http;
}

const newProductForm = () => screen.getByRole('form', { name: 'New product' });

describe('new product form', () => {
  it('refuses what the contract refuses before calling the server, and focuses the first such field', async () => {
    const http = adminProducts();
    const user = userEvent.setup();
    const form = newProductForm();
    await user.type(within(form).getByLabelText('SKU'), 'café 1kg');
    await user.type(within(form).getByLabelText('Price'), '49.999');
    await user.type(within(form).getByLabelText('Stock'), '-2');
    await user.click(within(form).getByRole('button', { name: 'Create product' }));

    const sku = within(form).getByLabelText('SKU');
    await waitFor(() => expect(sku.getAttribute('aria-invalid')).toBe('true'));
    expect(descriptionOf(sku)).toContain('Use 1 to 64 capital letters, digits, - _ or .');
    expect(descriptionOf(within(form).getByLabelText('Name'))).toContain('Enter a name.');
    expect(descriptionOf(within(form).getByLabelText('Price'))).toContain('Enter a price like 49.90.');
    expect(descriptionOf(within(form).getByLabelText('Stock'))).toContain('Enter a whole number, 0 or more.');
    expect(document.activeElement).toBe(sku);
    expect(http.to('POST', '/api/products')).toHaveLength(0);
  });

  it('sends the parsed body, upper-casing the SKU as it is typed, and clears the form', async () => {
    const http = adminProducts({ 'POST /api/products': () => json(201, product({ sku: 'CHA-1', name: 'Chá' })) });
    const user = userEvent.setup();
    const form = newProductForm();
    await user.type(within(form).getByLabelText('SKU'), 'cha-1');
    expect((within(form).getByLabelText('SKU') as HTMLInputElement).value).toBe('CHA-1');
    await user.type(within(form).getByLabelText('Name'), '  Chá ');
    await user.type(within(form).getByLabelText('Price'), '12,5');
    await user.click(within(form).getByRole('button', { name: 'Create product' }));

    expect(await within(form).findByText('Chá was created.')).toBeTruthy();
    expect(http.to('POST', '/api/products')[0]!.body).toEqual({ sku: 'CHA-1', name: 'Chá', price: 1250, onHand: 0 });
    expect((within(form).getByLabelText('SKU') as HTMLInputElement).value).toBe('');
  });

  it('shows a taken SKU on the SKU field', async () => {
    adminProducts({ 'POST /api/products': () => problem(409, 'PRODUCT.ALREADY_EXISTS', 'A product with this SKU already exists.') });
    const user = userEvent.setup();
    const form = newProductForm();
    await user.type(within(form).getByLabelText('SKU'), 'CAFE-1KG');
    await user.type(within(form).getByLabelText('Name'), 'Café');
    await user.type(within(form).getByLabelText('Price'), '10');
    await user.click(within(form).getByRole('button', { name: 'Create product' }));

    const sku = within(form).getByLabelText('SKU');
    await waitFor(() => expect(sku.getAttribute('aria-invalid')).toBe('true'));
    expect(document.activeElement).toBe(sku);
  });
});

describe('stock adjustment form', () => {
  it('refuses a zero change and a missing reason before calling the server', async () => {
    const http = adminProducts();
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Adjust stock of CAFE-1KG' });
    await user.type(within(form).getByLabelText('Quantity change'), '0');
    await user.click(within(form).getByRole('button', { name: 'Apply' }));

    const delta = within(form).getByLabelText('Quantity change');
    await waitFor(() => expect(descriptionOf(delta)).toContain('A whole number: positive to add, negative to remove.'));
    expect(descriptionOf(within(form).getByLabelText('Reason'))).toContain('Say why.');
    expect(document.activeElement).toBe(delta);
    expect(http.to('POST', '/api/products/CAFE-1KG/adjustments')).toHaveLength(0);
  });

  it('sends the change as a number with the trimmed reason', async () => {
    const http = adminProducts({ 'POST /api/products/CAFE-1KG/adjustments': () => json(200, product({ onHand: 7 })) });
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Adjust stock of CAFE-1KG' });
    await user.type(within(form).getByLabelText('Quantity change'), '-5');
    await user.type(within(form).getByLabelText('Reason'), ' damaged ');
    await user.click(within(form).getByRole('button', { name: 'Apply' }));

    expect(await within(form).findByRole('status')).toBeTruthy();
    expect(http.to('POST', '/api/products/CAFE-1KG/adjustments')[0]!.body).toEqual({ delta: -5, reason: 'damaged' });
  });

  const refusal = (numbers: { maxRemovable: number; onHand: number; reserved: number }) => () =>
    new Response(JSON.stringify({ status: 409, code: 'STOCK.BELOW_RESERVED', title: 'Stock below reserved', detail: 'At most …', ...numbers }), {
      status: 409, headers: { 'content-type': 'application/problem+json' },
    });

  it.each([
    ['some is reserved', { maxRemovable: 3, onHand: 5, reserved: 2 }, 'At most 3 can be removed: the rest is reserved for orders.'],
    ['nothing is reserved', { maxRemovable: 5, onHand: 5, reserved: 0 }, 'At most 5 can be removed: that is all there is on hand.'],
  ])('says at the quantity how much may be removed when %s', async (_when, numbers, sentence) => {
    adminProducts({ 'POST /api/products/CAFE-1KG/adjustments': refusal(numbers) });
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Adjust stock of CAFE-1KG' });
    await user.type(within(form).getByLabelText('Quantity change'), '-9');
    await user.type(within(form).getByLabelText('Reason'), 'perda');
    await user.click(within(form).getByRole('button', { name: 'Apply' }));

    const delta = within(form).getByLabelText('Quantity change');
    await waitFor(() => expect(descriptionOf(delta)).toContain(sentence));
    if (numbers.reserved === 0) expect(form.textContent).not.toMatch(/reserved/i);
  });
});

describe('product description and image', () => {

  const editRow = async () => {
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    return { user, form: screen.getByRole('form', { name: 'Edit Café em grãos 1 kg' }), image: screen.getByRole('form', { name: 'Image of Café em grãos 1 kg' }) };
  };

  it('sends a description with its paragraphs, and a blanked one as null', async () => {
    const http = adminProducts({
      'GET /api/products': () => json(200, { items: [product({ description: 'Antiga' })], nextCursor: null }),
      'PATCH /api/products/CAFE-1KG': () => json(200, product()),
    });
    const { user, form } = await editRow();
    const description = within(form).getByLabelText('Description');
    await user.clear(description);
    await user.type(description, 'Torra média.{Enter}{Enter}Para coador.');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(http.to('PATCH', '/api/products/CAFE-1KG')).toHaveLength(1));
    expect(http.to('PATCH', '/api/products/CAFE-1KG')[0]!.body).toEqual({ description: 'Torra média.\n\nPara coador.' });

    const again = await editRow();
    await again.user.clear(within(again.form).getByLabelText('Description'));
    await again.user.click(within(again.form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(http.to('PATCH', '/api/products/CAFE-1KG')).toHaveLength(2));
    expect(http.to('PATCH', '/api/products/CAFE-1KG')[1]!.body).toEqual({ description: null });
  });

  it('previews the chosen file and uploads its bytes with its type', async () => {
    const http = adminProducts({ 'PUT /api/products/CAFE-1KG/image': () => json(200, product({ imageUrl: '/api/products/CAFE-1KG/image?v=1' })) });
    const { user, image } = await editRow();
    expect(within(image).getByText('No image yet')).toBeTruthy();
    const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'cafe.png', { type: 'image/png' });
    const input = within(image).getByLabelText('Image');
    expect(input.getAttribute('accept')).toBe('image/jpeg,image/png,image/webp');
    await user.upload(input, file);
    const preview = await within(image).findByRole('img', { name: 'Preview of the chosen image' });
    expect(preview.getAttribute('src')).toBe('data:image/png;base64,iVBORw==');
    await user.click(within(image).getByRole('button', { name: 'Upload image' }));

    await waitFor(() => expect(http.to('PUT', '/api/products/CAFE-1KG/image')).toHaveLength(1));
    expect(http.to('PUT', '/api/products/CAFE-1KG/image')[0]!.headers.get('content-type')).toBe('image/png');
    expect(await within(image).findByText('Image saved.')).toBeTruthy();
  });

  it.each([
    ['a type the server takes', 'cafe.webp', 'image/webp', 'image/webp'],
    ['a type the server does not take', 'cafe.heic', 'image/heic', 'application/octet-stream'],
    ['no type', 'cafe', '', 'application/octet-stream'],
  ])('sends a file of %s as that type or as plain bytes, for the server to judge by the bytes', async (_what, name, type, sent) => {
    const http = adminProducts({ 'PUT /api/products/CAFE-1KG/image': () => json(200, product({ imageUrl: '/api/products/CAFE-1KG/image?v=1' })) });
    const { user, image } = await editRow();
    // A file outside the input's accept list can still be chosen ("All files" in the dialog).
    await userEvent.setup({ applyAccept: false }).upload(within(image).getByLabelText('Image'), new File([new Uint8Array([0xff, 0xd8, 0xff])], name, { type }));
    await user.click(within(image).getByRole('button', { name: 'Upload image' }));
    await waitFor(() => expect(http.to('PUT', '/api/products/CAFE-1KG/image')).toHaveLength(1));
    expect(http.to('PUT', '/api/products/CAFE-1KG/image')[0]!.headers.get('content-type')).toBe(sent);
  });

  it.each([
    [415, 'IMAGE.UNSUPPORTED_TYPE', 'This file is not a JPEG, PNG or WebP image. Choose one of those.'],
    [413, 'REQUEST.BODY_TOO_LARGE', 'This file is larger than 1 MB. Choose a smaller image.'],
  ])('shows the server\'s %i at the file field, in words', async (status, code, sentence) => {
    adminProducts({ 'PUT /api/products/CAFE-1KG/image': () => problem(status, code, 'refused') });
    const { user, image } = await editRow();
    const input = within(image).getByLabelText('Image');
    await user.upload(input, new File(['not an image'], 'notes.png', { type: 'image/png' }));
    await user.click(within(image).getByRole('button', { name: 'Upload image' }));
    await waitFor(() => expect(descriptionOf(input)).toContain(sentence));
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('removes the image it has', async () => {
    const http = adminProducts({
      'GET /api/products': () => json(200, { items: [product({ imageUrl: '/api/products/CAFE-1KG/image?v=1' })], nextCursor: null }),
      'DELETE /api/products/CAFE-1KG/image': () => json(200, product({ imageUrl: null })),
    });
    const { user, image } = await editRow();
    expect(within(image).getByRole('img', { name: 'Photo of Café em grãos 1 kg' })).toBeTruthy();
    await user.click(within(image).getByRole('button', { name: 'Remove image' }));
    await waitFor(() => expect(http.to('DELETE', '/api/products/CAFE-1KG/image')).toHaveLength(1));
    expect(await within(image).findByText('Image removed.')).toBeTruthy();
  });
});

describe('product edit form', () => {
  it('refuses an unreadable price, then sends only what changed', async () => {
    const http = adminProducts({ 'PATCH /api/products/CAFE-1KG': () => json(200, product({ price: 5290 })) });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit Café em grãos 1 kg' });
    const price = within(form).getByLabelText('Price');
    await user.clear(price);
    await user.type(price, 'abc');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(descriptionOf(price)).toContain('Enter a price like 49.90.'));
    expect(http.to('PATCH', '/api/products/CAFE-1KG')).toHaveLength(0);

    await user.clear(price);
    await user.type(price, '52.90');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(http.to('PATCH', '/api/products/CAFE-1KG')).toHaveLength(1));
    expect(http.to('PATCH', '/api/products/CAFE-1KG')[0]!.body).toEqual({ price: 5290 });
  });
});
