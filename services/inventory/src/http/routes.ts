import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdjustmentBody, CreateProductBody, ListMovementsQuery, ListProductsQuery, MovementList, Product, ProductList, SkuParams, UpdateProductBody,
} from '@pedidos/contracts/inventory';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import type { Static } from 'typebox';
import { OperationsReport } from '@pedidos/contracts/common';
import type { InventoryService } from '../inventory-service';
import { inventoryErrors } from './errors';
import { imageRoutes } from './image-routes';

const tags = ['products'];

export const inventoryRoutes: FastifyPluginAsyncTypebox<{ service: InventoryService; authorize: Authorize; operations: () => Promise<Static<typeof OperationsReport>> }> = async (app, { service, authorize, operations }) => {
  const admin = authorize('admin');

  app.get('/api/products', {
    schema: {
      tags, summary: 'List products',
      description: 'Sorted by name (ignoring case and accents), then SKU. `q` keeps the products whose name or SKU contains it, '
        + 'ignoring case and accents (`pao de queijo` finds "Pão de queijo"), best matches first: the whole name or SKU, then its start, '
        + 'then the start of a word of the name, then anywhere; equal matches by name, then SKU.',
      querystring: ListProductsQuery,
      response: { 200: ProductList, ...inventoryErrors.responses(400) },
    },
  }, (request) => service.listProducts(request.query));

  app.get('/api/products/operations', {
    preHandler: admin,
    schema: {
      security: BEARER, tags: ['operations'], summary: 'Outbox lag and dead letters (admin)',
      response: { 200: OperationsReport, ...inventoryErrors.responses(401, 403) },
    },
  }, () => operations());

  app.get('/api/products/:sku', {
    schema: { tags, summary: 'Get a product', params: SkuParams, response: { 200: Product, ...inventoryErrors.responses(400, 'PRODUCT.NOT_FOUND') } },
  }, (request) => service.getProduct(request.params.sku));

  app.post('/api/products', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Create a product (admin)', body: CreateProductBody,
      response: { 201: Product, ...inventoryErrors.responses(400, 401, 403, 'PRODUCT.ALREADY_EXISTS') },
    },
  }, async (request, reply) => {
    const product = await service.createProduct(request.body, principalOf(request).id);
    return reply.code(201).header('location', `/api/products/${product.sku}`).send(product);
  });

  app.patch('/api/products/:sku', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Change name, price or description (admin)', params: SkuParams, body: UpdateProductBody,
      response: { 200: Product, ...inventoryErrors.responses(400, 401, 403, 'PRODUCT.NOT_FOUND') },
    },
  }, (request) => service.updateProduct(request.params.sku, request.body));

  app.post('/api/products/:sku/adjustments', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'Adjust stock on hand (admin)',
      description: 'Restock (positive delta) or correct a count. On hand may not fall below what is reserved: 409 `STOCK.BELOW_RESERVED`, '
        + 'whose problem also carries `maxRemovable` (onHand - reserved, the most a negative delta may take away), `onHand` and `reserved`.',
      params: SkuParams, body: AdjustmentBody,
      response: { 200: Product, ...inventoryErrors.responses(400, 401, 403, 'PRODUCT.NOT_FOUND', 'STOCK.BELOW_RESERVED') },
    },
  }, (request) => service.adjustStock(request.params.sku, request.body, principalOf(request).id));

  app.get('/api/products/:sku/movements', {
    preHandler: admin,
    schema: {
      security: BEARER,
      tags, summary: 'The stock ledger of a product (admin)', description: 'Newest first.',
      params: SkuParams, querystring: ListMovementsQuery,
      response: { 200: MovementList, ...inventoryErrors.responses(400, 401, 403, 'PRODUCT.NOT_FOUND') },
    },
  }, (request) => service.listMovements(request.params.sku, request.query));

  await app.register(imageRoutes, { service, admin });
};
