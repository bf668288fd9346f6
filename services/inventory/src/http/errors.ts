import { errorTable } from '@pedidos/platform/http';

/** Every code the inventory service refuses with, and how HTTP answers it. */
export const inventoryErrors = errorTable({
  'PRODUCT.NOT_FOUND': { status: 404 },
  'PRODUCT.ALREADY_EXISTS': { status: 409 },
  'STOCK.BELOW_RESERVED': { status: 409 },
});
