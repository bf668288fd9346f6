import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PRODUCT_IMAGE_TYPES, Product, SkuParams } from '@pedidos/contracts/inventory';
import { PRODUCT_IMAGE_MAX_BYTES } from '@pedidos/contracts/limits';
import { BEARER, type Authorize } from '@pedidos/platform/auth';
import { Type } from 'typebox';
import type { InventoryService } from '../inventory-service';
import { inventoryErrors } from './errors';

const tags = ['products'];

// The URL changes with the image (`?v=` in imageUrl), so an answer never goes stale.
const CACHE_FOREVER = 'public, max-age=31536000, immutable';

const etagOf = (hash: string) => `"${hash}"`;

/** If-None-Match names this ETag (weak or strong, alone or in a list) or is `*`. */
const matches = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });

/**
 * A product's image: uploaded as the raw bytes of a JPEG, PNG or WebP, served to anyone with
 * long-lived caching. Its own plugin, so the body parser that takes raw bytes serves these routes only.
 */
export const imageRoutes: FastifyPluginAsyncTypebox<{ service: InventoryService; admin: ReturnType<Authorize> }> = async (app, { service, admin }) => {
  // Every body arrives as bytes, whatever its Content-Type: the service tells the type from the
  // bytes and answers 415 naming the declared one, rather than Fastify's generic refusal.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PRODUCT_IMAGE_MAX_BYTES }, (_request, body, done) => done(null, body));

  const imageResponse = {
    description: 'The image bytes, with `ETag`, `Cache-Control: public, max-age=31536000, immutable` and `X-Content-Type-Options: nosniff`',
    content: Object.fromEntries(PRODUCT_IMAGE_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  };

  app.get('/api/products/:sku/image', {
    schema: {
      tags, summary: 'Get the image of a product',
      description: 'Anyone may read it. Answers 304 when `If-None-Match` names its ETag.',
      params: SkuParams,
      response: { 200: imageResponse, 304: Type.Null({ description: 'Not modified' }), ...inventoryErrors.responses(400, 'IMAGE.NOT_FOUND') },
    },
  }, async (request, reply) => {
    const image = await service.getImage(request.params.sku);
    const etag = etagOf(image.hash);
    reply.header('etag', etag).header('cache-control', CACHE_FOREVER).header('x-content-type-options', 'nosniff');
    if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
    return reply.type(image.contentType).send(image.bytes);
  });

  app.put('/api/products/:sku/image', {
    preHandler: admin,
    bodyLimit: PRODUCT_IMAGE_MAX_BYTES,
    schema: {
      security: BEARER, tags, summary: 'Upload or replace the image of a product (admin)',
      description: `The raw image as the body, with Content-Type ${PRODUCT_IMAGE_TYPES.join(', ')}; at most ${PRODUCT_IMAGE_MAX_BYTES} bytes (413). `
        + 'The bytes must be the image the Content-Type names, told by their magic numbers (415 `IMAGE.UNSUPPORTED_TYPE` otherwise). '
        + 'The product\'s `imageUrl` changes with every new image.',
      params: SkuParams,
      response: { 200: Product, ...inventoryErrors.responses(400, 401, 403, 413, 'PRODUCT.NOT_FOUND', 'IMAGE.UNSUPPORTED_TYPE') },
    },
  }, async (request) => {
    const declared = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return service.putImage(request.params.sku, declared, bytes);
  });

  app.delete('/api/products/:sku/image', {
    preHandler: admin,
    schema: {
      security: BEARER, tags, summary: 'Remove the image of a product (admin)', description: 'Removing an image that is not there is no error.',
      params: SkuParams,
      response: { 200: Product, ...inventoryErrors.responses(400, 401, 403, 'PRODUCT.NOT_FOUND') },
    },
  }, (request) => service.deleteImage(request.params.sku));
};
