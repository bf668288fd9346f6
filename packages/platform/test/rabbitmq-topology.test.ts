import { connect, type MessageProperties } from 'amqplib';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { forwardedProperties, SOCKET_OPTIONS } from '../src/messaging/rabbitmq-topology';
import { amqpUrlBase } from '../src/testing/rabbitmq';

describe('a connection to the broker', () => {
  it('sends each write at once (Nagle off), so a publish never waits for a delayed ACK', async () => {
    const model = await connect(amqpUrlBase, SOCKET_OPTIONS);
    try {
      // Node keeps the socket's TCP_NODELAY setting under this symbol; nothing public reads it.
      const socket = (model.connection as unknown as { stream: Socket }).stream;
      const noDelay = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay');
      expect(noDelay).toBeDefined();
      expect((socket as unknown as Record<symbol, unknown>)[noDelay!]).toBe(true);
    } finally {
      await model.close();
    }
  });
});

describe('a message forwarded to a retry queue or DLQ', () => {
  const delivered = {
    contentType: 'application/cloudevents+json',
    messageId: 'e-1',
    type: 'order.created',
    timestamp: 1_700_000_000,
    headers: { tenant: 'acme', 'x-attempts': 1, 'x-death': [{ count: 1 }], 'x-last-error': 'earlier failure' },
  } as unknown as MessageProperties;

  it('keeps its own properties and application headers, and replaces our bookkeeping and the broker\'s', () => {
    const props = forwardedProperties(delivered, { 'x-attempts': 2, 'x-last-error': 'stock row locked' });

    expect(props).toEqual({
      persistent: true,
      contentType: 'application/cloudevents+json',
      messageId: 'e-1',
      type: 'order.created',
      timestamp: 1_700_000_000,
      headers: { tenant: 'acme', 'x-attempts': 2, 'x-last-error': 'stock row locked' },
    });
  });

  it('cuts a long error to 1000 characters, so it cannot fill the 64 KiB header table', () => {
    const props = forwardedProperties(delivered, { 'x-attempts': 2, 'x-last-error': 'x'.repeat(70_000) });

    expect(props.headers?.['x-last-error']).toBe('x'.repeat(1000));
  });
});
