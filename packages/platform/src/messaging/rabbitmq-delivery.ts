import type { Channel, ConsumeMessage } from 'amqplib';
import { deadLetterQueue, type BusLog, type BusSignal, type RetryPolicy, type SubscriptionSpec } from './bus';
import { retryQueue } from './rabbitmq-topology';
import { createDeliverySettler, type SettlementHeaders } from './settle';

export interface DeliveryDeps {
  policy: RetryPolicy;
  /** Re-publishes a delivered message, with confirm, to `queue` through the default exchange. */
  forward(queue: string, msg: ConsumeMessage, headers: SettlementHeaders): Promise<void>;
  emit(signal: BusSignal): void;
  log?: BusLog;
}

/** Acks unless the channel died meanwhile, in which case the broker redelivers. */
function ack(ch: Channel, msg: ConsumeMessage): boolean {
  try {
    ch.ack(msg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Settles one delivery the shared way (`settle.ts`): a retry is a confirmed re-publish to the
 * retry queue of its delay, whose TTL dead-letters it back; a dead letter one to the DLQ. If a
 * re-publish fails, the delivery is requeued instead.
 */
export function createDeliveryHandler({ policy, forward, emit, log }: DeliveryDeps) {
  const settleDelivery = createDeliverySettler({ policy, emit, log });

  return async function handleDelivery(spec: SubscriptionSpec, ch: Channel, queue: string, msg: ConsumeMessage): Promise<void> {
    try {
      await settleDelivery(spec, { queue, body: msg.content, headers: msg.properties.headers }, {
        retry: (delayMs, headers) => forward(retryQueue(queue, delayMs), msg, headers),
        deadLetter: (headers) => forward(deadLetterQueue(queue), msg, headers),
        ack: () => ack(ch, msg),
      });
    } catch (err) {
      log?.error({ err, queue }, 'could not forward a failed message; requeueing it');
      try {
        ch.nack(msg, false, true);
      } catch {
        // Channel gone: the broker redelivers anyway.
      }
    }
  };
}
