import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PRODUCT_IMAGE_TYPES, PRODUCT_IMAGE_UPLOAD_TYPES, Product, ProductImageQuery, SkuParams } from '@pedidos/contracts/inventory';
import { PRODUCT_IMAGE_MAX_BYTES } from '@pedidos/contracts/limits';
import { BEARER, type Authorize } from '@pedidos/platform/auth';
import { Type } from 'typebox';
import { imageVersion, type InventoryService } from '../inventory-service';
import { inventoryErrors } from './errors';

const tags = ['products'];

// The URL changes with the image (`?v=` in imageUrl), so the answer to the current one never goes stale.
const CACHE_FOREVER = 'public, max-age=31536000, immutable';
// Any other URL (none, or an older image's) may be kept but is asked about again before each use.
const REVALIDATE = 'no-cache';

const etagOf = (hash: string) => `"${hash}"`;

/** If-None-Match names this ETag (weak or strong, alone or in a list) or is `*`. */
const matches = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });

/**
 * A product's image: uploaded as the raw bytes of a JPEG, PNG or WebP, served to anyone, cached for
 * good under its current URL. Its own plugin, so the body parser that takes raw bytes serves these routes only.
 */
export const imageRoutes: FastifyPluginAsyncTypebox<{ service: InventoryService; admin: ReturnType<Authorize> }> = async (app, { service, admin }) => {
  // Every body arrives as bytes, whatever its Content-Type: the service tells the type from the
  // bytes, and answers 415 naming a declared type it does not take, rather than Fastify's generic refusal.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PRODUCT_IMAGE_MAX_BYTES }, (_request, body, done) => done(null, body));

  const imageResponse = {
    description: 'The image bytes, with `ETag`, `X-Content-Type-Options: nosniff` and `Cache-Control: public, max-age=31536000, immutable` '
      + 'when `v` names the current image, else `Cache-Control: no-cache`',
    content: Object.fromEntries(PRODUCT_IMAGE_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  };

  app.get('/api/products/:sku/image', {
    schema: {
      tags, summary: 'Get the image of a product',
      description: 'Anyone may read it. Answers 304 when `If-None-Match` names its ETag. Only the URL with the current `v` (the product\'s `imageUrl`) '
        + 'may be cached for good; without `v`, or with an older image\'s, the answer must be revalidated.',
      params: SkuParams,
      querystring: ProductImageQuery,
      response: { 200: imageResponse, 304: Type.Null({ description: 'Not modified' }), ...inventoryErrors.responses(400, 'IMAGE.NOT_FOUND') },
    },
  }, async (request, reply) => {
    const image = await service.getImage(request.params.sku);
    const etag = etagOf(image.hash);
    const current = request.query.v === imageVersion(image.hash);
    reply.header('etag', etag).header('cache-control', current ? CACHE_FOREVER : REVALIDATE).header('x-content-type-options', 'nosniff');
    if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
    return reply.type(image.contentType).send(image.bytes);
  });

  // onRequest, before the body is read: a stranger's upload is refused unread, whatever its size.
  app.put('/api/products/:sku/image', {
    onRequest: admin,
    bodyLimit: PRODUCT_IMAGE_MAX_BYTES,
    schema: {
      security: BEARER, tags, summary: 'Upload or replace the image of a product (admin)',
      description: `The raw image as the body, with Content-Type ${PRODUCT_IMAGE_UPLOAD_TYPES.join(', ')}; at most ${PRODUCT_IMAGE_MAX_BYTES} bytes (413). `
        + 'The bytes decide: they must be a JPEG, PNG or WebP, told by their magic numbers, and are stored and served as that type '
        + 'whichever of those Content-Types was sent (415 `IMAGE.UNSUPPORTED_TYPE` for other bytes or another Content-Type). '
        + 'The product\'s `imageUrl` changes with every new image; its `updatedAt` does not.',
      params: SkuParams,
      response: { 200: Product, ...inventoryErrors.responses(400, 401, 403, 413, 'PRODUCT.NOT_FOUND', 'IMAGE.UNSUPPORTED_TYPE') },
    },
  }, async (request) => {
    const declared = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return service.putImage(request.params.sku, declared, bytes);
  });

  app.delete('/api/products/:sku/image', {
    onRequest: admin,
    schema: {
      security: BEARER, tags, summary: 'Remove the image of a product (admin)',
      description: 'Removing an image that is not there is no error. The product\'s `updatedAt` stays as it was.',
      params: SkuParams,
      response: { 200: Product, ...inventoryErrors.responses(400, 401, 403, 'PRODUCT.NOT_FOUND') },
    },
  }, (request) => service.deleteImage(request.params.sku));
};
