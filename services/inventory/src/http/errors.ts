import { errorTable } from '@pedidos/platform/http';

/** Every code the inventory service refuses with, and how HTTP answers it. */
export const inventoryErrors = errorTable({
  'PRODUCT.NOT_FOUND': { status: 404 },
  'PRODUCT.ALREADY_EXISTS': { status: 409 },
  // The numbers go in the problem too, so a form can say how much may be removed in its own words.
  'STOCK.BELOW_RESERVED': { status: 409, members: ['maxRemovable', 'onHand', 'reserved'] },
  'IMAGE.NOT_FOUND': { status: 404 },
  'IMAGE.UNSUPPORTED_TYPE': { status: 415 },
});
