import { describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../support/http';
import { useRealSystem } from '../support/system';

const SKU = 'CONTRACT-CAFE';
const system = useRealSystem({ products: [{ sku: SKU, name: 'Café do contrato', price: 1234, onHand: 10 }] });

describe('the order.created message in novos_pedidos', () => {
  it('is a persistent CloudEvents 1.0 message shaped as CONTRACT.md says, and a requeued copy still confirms the order', async () => {
    const { inventory, ordersApi, inventoryApi, broker } = system();
    // With its consumer gone the message waits in the queue for us to read.
    expect(await inventory.stop()).toBe(0);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 2 }], { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });

    const taken = await broker.take('novos_pedidos');
    const { fields, properties } = taken.message;
    const event = JSON.parse(taken.body) as Record<string, unknown>;
    try {
      expect(fields.exchange).toBe('orders.events');
      expect(fields.routingKey).toBe('order.created');
      expect(properties.contentType).toBe('application/cloudevents+json');
      expect(properties.deliveryMode).toBe(2);
      expect(properties.messageId).toBe(event.id);

      expect(event).toMatchObject({ specversion: '1.0', type: 'order.created', datacontenttype: 'application/json' });
      expect(event.id).toEqual(expect.any(String));
      expect(event.id).not.toBe('');
      expect(event.source).toEqual(expect.stringMatching(/^\S+$/));
      expect(event.time).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/));
      expect(event.traceparent).toEqual(expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-[0-9a-f]{2}$`)));
      expect(event.data).toEqual({
        orderId: order.id,
        number: order.number,
        customerId: order.customerId,
        items: [{ sku: SKU, quantity: 2, unitPrice: 1234 }],
        total: 2468,
        currency: 'BRL',
        createdAt: order.createdAt,
        paymentMethod: TEST_CARDS.visa,
        // The test issuer's token names nobody, and no address was given.
        customer: null,
        shippingAddress: null,
      });
    } finally {
      taken.nack(true);
      if (!inventory.running) await inventory.restart();
    }

    const confirmed = await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected']);
    expect(confirmed.status).toBe('confirmed');
    expect(await inventoryApi.getProduct(SKU)).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
  });
});
