import type { Channel, ConsumeMessage } from 'amqplib';
import { afterFailure, deadLetterQueue, type BusSignal, type SubscriptionSpec } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';
import type { BusLog } from './in-process-bus';
import { errorHeader, retryQueue } from './rabbitmq-topology';
import { errorSummary } from '../error-summary';

export interface DeliveryDeps {
  delaysMs: number[];
  /** Re-publishes a delivered message, with confirm, to `queue` through the default exchange. */
  forward(queue: string, msg: ConsumeMessage, headers: Record<string, string | number>): Promise<void>;
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
 * What happens to one delivery: the handler's success acks it; a failure re-publishes it to the
 * retry queue for its attempt, or after the last attempt (or if the body is no CloudEvent) to the
 * DLQ, and only then acks it. A crash in between duplicates the message, never loses it.
 */
export function createDeliveryHandler({ delaysMs, forward, emit, log }: DeliveryDeps) {
  async function giveUp(spec: SubscriptionSpec, ch: Channel, queue: string, msg: ConsumeMessage, event: CloudEvent | null, attempt: number, error: string) {
    if (!spec.exclusive) {
      await forward(deadLetterQueue(queue), msg, {
        'x-attempts': attempt, 'x-last-error': errorHeader(error), 'x-original-queue': queue, 'x-dead-lettered-at': new Date().toISOString(),
      });
    }
    log?.warn({ queue, eventId: event?.id, eventType: event?.type, traceparent: event?.traceparent, attempt, error }, spec.exclusive ? 'message dropped' : 'message dead-lettered');
    if (ack(ch, msg)) emit({ kind: 'dead', queue, event, attempt, error });
  }

  async function settle(spec: SubscriptionSpec, ch: Channel, queue: string, msg: ConsumeMessage): Promise<void> {
    const attempt = Number(msg.properties.headers?.['x-attempts'] ?? 0) + 1;
    let event: CloudEvent;
    try {
      event = parseCloudEvent(msg.content);
    } catch (err) {
      return giveUp(spec, ch, queue, msg, null, attempt, errorSummary(err));
    }
    try {
      await spec.handler(event, { attempt, queue });
    } catch (err) {
      const error = errorSummary(err);
      const { delayMs, attempts, waiting } = await afterFailure(spec, attempt, delaysMs);
      if (delayMs === undefined) return giveUp(spec, ch, queue, msg, event, attempt, error);
      await forward(retryQueue(queue, delayMs), msg, { 'x-attempts': attempts, 'x-last-error': errorHeader(error) });
      log?.warn({ queue, eventId: event.id, eventType: event.type, traceparent: event.traceparent, attempt, err },
        waiting ? 'message handler failed while a dependency is down; waiting for it' : 'message handler failed; retrying');
      if (ack(ch, msg)) emit({ kind: 'retry', queue, event, attempt, error });
      return;
    }
    if (ack(ch, msg)) emit({ kind: 'ack', queue, event, attempt });
  }

  return async function handleDelivery(spec: SubscriptionSpec, ch: Channel, queue: string, msg: ConsumeMessage): Promise<void> {
    try {
      await settle(spec, ch, queue, msg);
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
