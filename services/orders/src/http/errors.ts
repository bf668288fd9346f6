import { errorTable } from '@pedidos/platform/http';

/** Every code the orders service refuses with, and how HTTP answers it. */
export const orderErrors = errorTable({
  'ORDER.NOT_FOUND': { status: 404 },
  'ORDER.INVALID_ADDRESS': { status: 400 },
  'ORDER.INVALID_TRANSITION': { status: 409 },
  'ORDER.UNKNOWN_SKU': { status: 422 },
  'ORDER.DUPLICATE_SKU': { status: 422 },
  'ORDER.MIXED_CURRENCY': { status: 422 },
  'ORDER.IDEMPOTENCY_KEY_REUSED': { status: 422 },
  'ORDER.BUSY': { status: 503, title: 'Too many orders waiting', headers: ({ retryAfterS }) => ({ 'retry-after': String(retryAfterS) }) },
  'WEBHOOK.INVALID_URL': { status: 400 },
  'WEBHOOK.NOT_FOUND': { status: 404 },
  'WEBHOOK.DELIVERY_NOT_FOUND': { status: 404 },
  'WEBHOOK.DELIVERY_IN_FLIGHT': { status: 409 },
  'STREAM.TOO_MANY': { status: 429, title: 'Too many open streams', headers: ({ retryAfterS }) => ({ 'retry-after': String(retryAfterS) }) },
});
