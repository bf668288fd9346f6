import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import { SHAPES, createTestIssuer, eventProbe, openTestAdapters, type TestAdapters, type TestIssuer } from '@pedidos/platform/testing';
import { EXCHANGES } from '@pedidos/contracts/events';
import { PRODUCT_IMAGE_MAX_BYTES } from '@pedidos/contracts/limits';
import { buildInventory } from '../src/app';
import { inventoryConfigSpec } from '../src/config';

/** Just enough of each format for its magic numbers, padded to `size` bytes. */
const bytes = (head: number[], size = 64) => Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(0, size - head.length), 7)]);
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0]);
const WEBP = bytes([...Buffer.from('RIFF'), 56, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]);
const GIF = bytes([...Buffer.from('GIF89a')]);
const HTML = Buffer.from('<!doctype html><script>alert(1)</script>');

describe.each(SHAPES)('product descriptions and images (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let issuer: TestIssuer;
  let app: Awaited<ReturnType<typeof buildInventory>>;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    issuer = await createTestIssuer();
    admin = await issuer.bearer({ role: 'admin' });
    customer = await issuer.bearer({ role: 'customer' });
    app = await buildInventory({ ...adapters, config: loadConfig({ SEED_DEMO_DATA: 'false', ...issuer.env }, inventoryConfigSpec) });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
    await issuer?.close();
  });

  const create = (sku: string, extra: object = {}) =>
    app.http.inject({ method: 'POST', url: '/api/products', payload: { sku, name: `Produto ${sku}`, price: 100, ...extra }, headers: { authorization: admin } });
  const patch = (sku: string, payload: object) => app.http.inject({ method: 'PATCH', url: `/api/products/${sku}`, payload, headers: { authorization: admin } });
  const product = async (sku: string) => (await app.http.inject({ method: 'GET', url: `/api/products/${sku}` })).json();
  const upload = (sku: string, type: string, body: Buffer, authorization: string | null = admin) =>
    app.http.inject({ method: 'PUT', url: `/api/products/${sku}/image`, payload: body, headers: { 'content-type': type, ...(authorization ? { authorization } : {}) } });
  const image = (url: string, headers: Record<string, string> = {}) => app.http.inject({ method: 'GET', url, headers });

  it('keeps a description with its paragraphs, and null or blank clears it', async () => {
    const text = 'Grãos torrados na fazenda.\n\nMoagem média, para coador.';
    const created = await create('DESC-1', { description: text });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ description: text, imageUrl: null });
    expect(await product('DESC-1')).toMatchObject({ description: text });

    expect((await patch('DESC-1', { description: '  \n ' })).json()).toMatchObject({ description: null });
    await patch('DESC-1', { description: 'De novo' });
    expect((await patch('DESC-1', { description: null })).json()).toMatchObject({ description: null });
    expect((await create('DESC-2')).json()).toMatchObject({ description: null });
  });

  it('serves an uploaded image to anyone with its type, a long cache life and a URL that names its version', async () => {
    await create('IMG-1');
    const uploaded = await upload('IMG-1', 'image/png', PNG);
    expect(uploaded.statusCode).toBe(200);
    const { imageUrl } = uploaded.json();
    expect(imageUrl).toMatch(/^\/api\/products\/IMG-1\/image\?v=[0-9a-f]{16}$/);
    expect(await product('IMG-1')).toMatchObject({ imageUrl });
    const listed = (await app.http.inject({ method: 'GET', url: '/api/products?q=IMG-1' })).json();
    expect(listed.items[0]).toMatchObject({ sku: 'IMG-1', imageUrl });

    const served = await image(imageUrl);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(PNG)).toBe(true);
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(served.headers.etag).toContain(new URL(imageUrl, 'http://x').searchParams.get('v'));

    const revalidated = await image(imageUrl, { 'if-none-match': served.headers.etag as string });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload).toHaveLength(0);
    expect((await image(imageUrl, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);
  });

  it('is cached for good only under its current URL: without a version, or with an older image\'s, it must be revalidated', async () => {
    await create('IMG-CACHE');
    const old = (await upload('IMG-CACHE', 'image/png', PNG)).json().imageUrl as string;
    const current = (await upload('IMG-CACHE', 'image/jpeg', JPEG)).json().imageUrl as string;
    expect(current).not.toBe(old);
    const plain = '/api/products/IMG-CACHE/image';

    const cases = [
      [current, 'public, max-age=31536000, immutable'],
      [plain, 'no-cache'],
      [old, 'no-cache'],
    ] as const;
    for (const [url, cacheControl] of cases) {
      const served = await image(url);
      expect(served.statusCode, url).toBe(200);
      // Whatever URL asked, the answer is the current image.
      expect(served.rawPayload.equals(JPEG), url).toBe(true);
      expect(served.headers['cache-control'], url).toBe(cacheControl);
      const revalidated = await image(url, { 'if-none-match': served.headers.etag as string });
      expect(revalidated.statusCode, url).toBe(304);
      expect(revalidated.headers['cache-control'], url).toBe(cacheControl);
    }

    const malformed = await image(`${plain}?v=NOT-A-VERSION`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(malformed.json())).toContain('/v');
  });

  it.each([
    ['image/jpeg', PNG, 'image/png'],
    ['application/octet-stream', PNG, 'image/png'],
    ['image/webp', JPEG, 'image/jpeg'],
    ['image/png; charset=binary', WEBP, 'image/webp'],
  ])('takes an image declared as %s and stores and serves it as what its bytes are', async (declared, body, served) => {
    const sku = `DECL-${served.slice(6).toUpperCase()}-${declared.replace(/\W/g, '').toUpperCase().slice(0, 20)}`;
    await create(sku);
    const uploaded = await upload(sku, declared, body);
    expect(uploaded.statusCode).toBe(200);
    const answer = await image(uploaded.json().imageUrl);
    expect(answer.headers['content-type']).toBe(served);
    expect(answer.rawPayload.equals(body)).toBe(true);
  });

  it('an image changes neither the product\'s updatedAt nor what orders copy of it', async () => {
    const probe = await eventProbe(adapters.bus, [{ exchange: EXCHANGES.inventory, routingKey: 'product.upserted' }]);
    try {
      const created = (await create('IMG-DATE')).json();
      expect((await upload('IMG-DATE', 'image/png', PNG)).json()).toMatchObject({ updatedAt: created.updatedAt });
      const removed = await app.http.inject({ method: 'DELETE', url: '/api/products/IMG-DATE/image', headers: { authorization: admin } });
      expect(removed.json()).toMatchObject({ updatedAt: created.updatedAt, imageUrl: null });
      expect(await product('IMG-DATE')).toMatchObject({ updatedAt: created.updatedAt });

      // Events of one product leave in order: once the rename's has come, any the image caused would have too.
      await patch('IMG-DATE', { name: 'Renomeado' });
      await probe.next((e) => (e.data as { sku: string; name: string }).sku === 'IMG-DATE' && (e.data as { name: string }).name === 'Renomeado');
      expect(probe.seen.filter((e) => (e.data as { sku: string }).sku === 'IMG-DATE').map((e) => (e.data as { name: string }).name))
        .toEqual(['Produto IMG-DATE', 'Renomeado']);
    } finally {
      await probe.cancel();
    }
  });

  it('a new image replaces the old one under a new URL; removing it leaves none', async () => {
    await create('IMG-2');
    const first = (await upload('IMG-2', 'image/png', PNG)).json().imageUrl;
    const second = await upload('IMG-2', 'image/jpeg', JPEG);
    expect(second.statusCode).toBe(200);
    expect(second.json().imageUrl).not.toBe(first);
    const served = await image(second.json().imageUrl);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.rawPayload.equals(JPEG)).toBe(true);
    expect((await upload('IMG-2', 'image/webp', WEBP)).statusCode).toBe(200);
    expect((await image('/api/products/IMG-2/image')).headers['content-type']).toBe('image/webp');

    const removed = await app.http.inject({ method: 'DELETE', url: '/api/products/IMG-2/image', headers: { authorization: admin } });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ imageUrl: null });
    const gone = await image('/api/products/IMG-2/image');
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'IMAGE.NOT_FOUND' });
    // Removing what is not there is no error.
    expect((await app.http.inject({ method: 'DELETE', url: '/api/products/IMG-2/image', headers: { authorization: admin } })).statusCode).toBe(200);
  });

  it.each([
    ['an HTML page sent as a PNG', 'image/png', HTML, 'image/png'],
    ['a PNG sent as a GIF', 'image/gif', PNG, 'image/gif'],
    ['an HTML page sent as bytes', 'application/octet-stream', HTML, 'application/octet-stream'],
    ['a GIF', 'image/gif', GIF, 'image/gif'],
    ['JSON', 'application/json', Buffer.from('{"a":1}'), 'application/json'],
    ['no body', 'image/png', Buffer.alloc(0), 'image/png'],
  ])('refuses %s with 415 naming the content type, and keeps the image it had', async (_what, type, body, named) => {
    const sku = `BAD-${type.replace(/\W/g, '').toUpperCase()}-${body.length}`;
    await create(sku);
    const before = (await upload(sku, 'image/png', PNG)).json().imageUrl;
    const refused = await upload(sku, type, body);
    expect(refused.statusCode).toBe(415);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'IMAGE.UNSUPPORTED_TYPE' });
    expect(refused.json().detail).toContain(named);
    expect(await product(sku)).toMatchObject({ imageUrl: before });
  });

  it('takes an image of exactly 1 MiB and refuses a byte more with 413', async () => {
    await create('BIG');
    expect((await upload('BIG', 'image/png', bytes([...PNG.subarray(0, 8)], PRODUCT_IMAGE_MAX_BYTES))).statusCode).toBe(200);
    const tooBig = await upload('BIG', 'image/jpeg', bytes([...JPEG.subarray(0, 4)], PRODUCT_IMAGE_MAX_BYTES + 1));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.headers['content-type']).toContain('application/problem+json');
    expect((await image('/api/products/BIG/image')).headers['content-type']).toBe('image/png');
  });

  it('only an administrator may change an image; an unknown product has none', async () => {
    await create('AUTH-IMG');
    expect((await upload('AUTH-IMG', 'image/png', PNG, null)).statusCode).toBe(401);
    // Who is asking is checked before the body is read: a stranger learns nothing about sizes.
    const oversized = bytes([...PNG.subarray(0, 8)], PRODUCT_IMAGE_MAX_BYTES + 1);
    const anonymous = await upload('AUTH-IMG', 'image/png', oversized, null);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'AUTH.MISSING_TOKEN' });
    expect((await upload('AUTH-IMG', 'image/png', oversized, customer)).statusCode).toBe(403);
    expect((await upload('AUTH-IMG', 'image/png', PNG, customer)).statusCode).toBe(403);
    expect((await app.http.inject({ method: 'DELETE', url: '/api/products/AUTH-IMG/image' })).statusCode).toBe(401);
    expect((await app.http.inject({ method: 'DELETE', url: '/api/products/AUTH-IMG/image', headers: { authorization: customer } })).statusCode).toBe(403);
    expect(await product('AUTH-IMG')).toMatchObject({ imageUrl: null });
    const unknown = await upload('NO-SUCH-SKU', 'image/png', PNG);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'PRODUCT.NOT_FOUND' });
  });

  it('a refusal to remove stock says how much may be removed', async () => {
    await create('ADJ-NUM', { onHand: 5 });
    const refused = await app.http.inject({ method: 'POST', url: '/api/products/ADJ-NUM/adjustments', payload: { delta: -6, reason: 'perda' }, headers: { authorization: admin } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'STOCK.BELOW_RESERVED', maxRemovable: 5, onHand: 5, reserved: 0 });
  });
});
