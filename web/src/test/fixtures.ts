import type { TokenResponse } from '@pedidos/contracts/identity';
import type { Product } from '@pedidos/contracts/inventory';
import type { Order } from '@pedidos/contracts/orders';
import type { Payment } from '@pedidos/contracts/payments';
import type { WebhookEndpoint } from '@pedidos/contracts/webhooks';

export const product = (overrides: Partial<Product> = {}): Product => ({
  sku: 'CAFE-1KG',
  name: 'Café em grãos 1 kg',
  price: 4990,
  currency: 'BRL',
  onHand: 12,
  reserved: 2,
  available: 10,
  updatedAt: '2026-11-29T12:00:00.000Z',
  ...overrides,
});

export const tokens = (role: 'customer' | 'admin' = 'customer', n = 1): TokenResponse => ({
  accessToken: `eyJhbGciOiJFZERTQSJ9.access${n}.sig`,
  tokenType: 'Bearer',
  expiresIn: 900,
  refreshToken: `refresh-${n}`,
  user: { id: '7b0e5f8e-3c1a-4a56-9d1b-2f4c8e6a9b10', email: 'ana@example.com', name: 'Ana Souza', role },
});

export const order = (overrides: Partial<Order> = {}): Order => ({
  id: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e40',
  number: 1042,
  customerId: '7b0e5f8e-3c1a-4a56-9d1b-2f4c8e6a9b10',
  customer: { name: 'Ana Souza', email: 'ana@example.com' },
  shippingAddress: null,
  status: 'pending',
  items: [{ sku: 'CAFE-1KG', name: 'Café em grãos 1 kg', quantity: 2, unitPrice: 4990 }],
  total: 9980,
  currency: 'BRL',
  note: null,
  payment: null,
  createdAt: '2026-11-29T12:00:00.000Z',
  updatedAt: '2026-11-29T12:00:00.000Z',
  history: [{ status: 'pending', at: '2026-11-29T12:00:00.000Z', reason: null, actor: null }],
  ...overrides,
});

/** A captured Visa payment of the default order, with its ledger oldest first. */
export const payment = (overrides: Partial<Payment> = {}): Payment => ({
  orderId: '0d6f3a52-1b9e-4c47-8a3e-5f2d7c9b1e40',
  status: 'captured',
  amount: 9980,
  currency: 'BRL',
  captured: 9980,
  refunded: 0,
  brand: 'visa',
  last4: '4242',
  createdAt: '2026-11-29T12:00:00.100Z',
  updatedAt: '2026-11-29T12:05:00.000Z',
  ledger: [
    { kind: 'authorization', amount: 9980, at: '2026-11-29T12:00:00.200Z', actor: null, providerReference: 'sb_auth_1', reason: null },
    { kind: 'capture', amount: 9980, at: '2026-11-29T12:05:00.000Z', actor: null, providerReference: 'sb_cap_1', reason: null },
  ],
  ...overrides,
});

export const webhookEndpoint = (overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: '5a1c0e2b-9d3f-4e6a-8b7c-1d2e3f4a5b60',
  url: 'https://erp.example.com/hooks/pedidos',
  events: ['order.created', 'payment.captured'],
  description: 'ERP',
  createdAt: '2026-11-29T12:00:00.000Z',
  ...overrides,
});
