import { randomUUID } from 'node:crypto';
import type { Channel, ConfirmChannel, MessageProperties, Options } from 'amqplib';
import { deadLetterQueue, type SubscriptionSpec } from './bus';
import { CLOUDEVENTS_CONTENT_TYPE, type CloudEvent } from './cloud-event';

const QUORUM = { 'x-queue-type': 'quorum' } as const;
// A publish the broker never answers (blocked connection, silent network cut) must not hang the caller.
const CONFIRM_TIMEOUT_MS = 10_000;
// Headers travel in a 64 KiB table; an error message has no business filling it.
const MAX_ERROR_HEADER = 1000;

/**
 * How every connection to the broker opens its socket. amqplib leaves Nagle's algorithm on: a
 * publish written as several frames then waits for the broker's delayed ACK (40 ms on Linux)
 * before its last frame leaves, and an order crosses the broker twice on its way to `confirmed`.
 */
export const SOCKET_OPTIONS = { timeout: 5000, noDelay: true } as const;

export const retryQueue = (queue: string, delayMs: number) => `${queue}.retry.${delayMs}`;

/**
 * Declares what a subscription consumes from and returns the queue name. Durable: a quorum
 * queue, its quorum DLQ and one TTL retry queue per back-off delay that dead-letters back to
 * it through the default exchange. Exclusive: a uniquely named queue owned by the connection.
 */
export async function declareSubscription(ch: Channel, spec: SubscriptionSpec, delaysMs: number[]): Promise<string> {
  let queue = spec.queue;
  if (spec.exclusive) {
    // A fresh name on every (re)connect: the previous connection's queue may not be gone yet.
    queue = `${spec.queue}.${randomUUID()}`;
    await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
  } else {
    // Safety net only: a message the broker gives up on (RabbitMQ 4's quorum delivery limit) lands in the DLQ, not the void.
    const deadLetterToDlq = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': deadLetterQueue(queue) };
    await ch.assertQueue(queue, { durable: true, arguments: { ...QUORUM, ...deadLetterToDlq } });
    await ch.assertQueue(deadLetterQueue(queue), { durable: true, arguments: QUORUM });
    for (const delayMs of new Set(delaysMs)) {
      await ch.assertQueue(retryQueue(queue, delayMs), {
        durable: true,
        arguments: { 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
      });
    }
  }
  for (const binding of spec.bindings) {
    await ch.assertExchange(binding.exchange, 'topic', { durable: true });
    await ch.bindQueue(queue, binding.exchange, binding.routingKey);
  }
  return queue;
}

export function eventProperties(event: CloudEvent): Options.Publish {
  const time = Date.parse(event.time);
  return {
    persistent: true,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    messageId: event.id,
    type: event.type,
    timestamp: Math.floor((Number.isNaN(time) ? Date.now() : time) / 1000),
  };
}

/** Properties for re-publishing a delivered message to a retry queue or DLQ: its own plus `headers`. */
export function forwardedProperties(props: MessageProperties, headers: Record<string, string | number>): Options.Publish {
  // Our x- headers and the broker's x-death bookkeeping are replaced, application headers kept.
  const kept = Object.entries((props.headers ?? {}) as Record<string, unknown>).filter(([key]) => !key.startsWith('x-'));
  const lastError = headers['x-last-error'];
  return {
    persistent: true,
    contentType: props.contentType,
    messageId: props.messageId,
    type: props.type,
    timestamp: props.timestamp,
    headers: { ...Object.fromEntries(kept), ...headers, ...(typeof lastError === 'string' ? { 'x-last-error': lastError.slice(0, MAX_ERROR_HEADER) } : {}) },
  };
}

/** Publishes one message and resolves when the broker confirms it; rejects on nack, channel loss or timeout. */
export function confirmPublish(
  ch: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`publish to "${exchange || routingKey}" not confirmed within ${CONFIRM_TIMEOUT_MS} ms`)),
      CONFIRM_TIMEOUT_MS,
    );
    try {
      ch.publish(exchange, routingKey, content, options, (err) => {
        clearTimeout(timer);
        if (err) reject(err instanceof Error ? err : new Error(`publish to "${exchange || routingKey}" was nacked`));
        else resolve();
      });
    } catch (err) {
      clearTimeout(timer);
      reject(err);
    }
  });
}
