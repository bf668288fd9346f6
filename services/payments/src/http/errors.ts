import { errorTable } from '@pedidos/platform/http';

/** Every code the payments service refuses with, and how HTTP answers it. */
export const paymentErrors = errorTable({
  'PAYMENT.NOT_FOUND': { status: 404 },
  'PAYMENT.NOT_CAPTURED': { status: 409, title: 'Payment not captured' },
  'PAYMENT.REFUND_EXCEEDS_CAPTURED': { status: 409, title: 'Refund exceeds what was captured' },
  'PAYMENT.REFUND_REFUSED': { status: 409, title: 'Refund refused by the payment provider' },
  'WEBHOOK.UNKNOWN_PROVIDER': { status: 404, title: 'Unknown payment provider' },
  'WEBHOOK.INVALID_SIGNATURE': { status: 401, title: 'Invalid webhook signature' },
});
