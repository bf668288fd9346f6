import { errorSummary } from '../error-summary';
import { processTraced } from '../tracing';
import type { BusLog, BusSignal, RetryPolicy, SubscriptionSpec } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';

/**
 * What becomes of a delivery that failed (one that succeeded is acked, nothing to decide). `retry`
 * puts it back after `delayMs`, recording `attempts` tries spent so far; `dead-letter` parks it in
 * the DLQ; `drop` forgets it (an exclusive queue has no DLQ).
 */
export type Settlement =
  | { action: 'retry'; delayMs: number; attempts: number; waiting: boolean }
  | { action: 'dead-letter' }
  | { action: 'drop' };

/** Why a delivery was not handled: its handler threw, or its body is no CloudEvent (no retry can mend that). */
export type DeliveryFailure = 'handler' | 'unreadable';

/**
 * The one decision both transports follow for a delivery that failed on its `attempt`-th try. A
 * handler's failure asks the subscription's `dependsOn`: while that rejects, the message waits out
 * the longest back-off without spending an attempt (see `SubscriptionSpec.dependsOn`).
 */
export async function settle(spec: SubscriptionSpec, policy: RetryPolicy, attempt: number, failure: DeliveryFailure): Promise<Settlement> {
  if (spec.exclusive) return { action: 'drop' };
  if (failure === 'unreadable') return { action: 'dead-letter' };
  const { delaysMs } = policy;
  const dependencyDown = spec.dependsOn !== undefined && !(await spec.dependsOn().then(() => true, () => false));
  if (dependencyDown && delaysMs.length > 0) return { action: 'retry', delayMs: delaysMs.at(-1)!, attempts: attempt - 1, waiting: true };
  const delayMs = delaysMs[attempt - 1];
  return delayMs === undefined ? { action: 'dead-letter' } : { action: 'retry', delayMs, attempts: attempt, waiting: false };
}

/** Headers a retried or dead-lettered message carries; `x-attempts` on arrival gives the next attempt's number. */
export type SettlementHeaders = Record<string, string | number>;

/** A message as it arrives from either transport. */
export interface Delivery {
  queue: string;
  body: string | Buffer;
  headers: Record<string, unknown> | undefined;
}

/** How one transport carries out a settlement: all that differs between them. */
export interface SettleActions {
  /** Puts the message back on its queue after `delayMs`, carrying `headers`; a rejection leaves it unsettled. */
  retry(delayMs: number, headers: SettlementHeaders): Promise<void>;
  /** Parks the message in the DLQ, carrying `headers`; a rejection leaves it unsettled. */
  deadLetter(headers: SettlementHeaders): Promise<void>;
  /** Takes the delivery off its queue; false when that failed and the broker will deliver it again. */
  ack(): boolean;
}

export interface DeliverySettlerDeps {
  policy: RetryPolicy;
  emit(signal: BusSignal): void;
  log?: BusLog;
}

/**
 * Runs a delivery through its handler and settles it: a success acks; a failure is retried or
 * dead-lettered first and acked only then, so a crash in between duplicates the message, never
 * loses it. The signal is emitted once the ack went through.
 */
export function createDeliverySettler({ policy, emit, log }: DeliverySettlerDeps) {
  async function giveUp(delivery: Delivery, actions: SettleActions, dropped: boolean, event: CloudEvent | null, attempt: number, error: string): Promise<void> {
    const { queue } = delivery;
    if (!dropped) {
      await actions.deadLetter({ 'x-attempts': attempt, 'x-last-error': error, 'x-original-queue': queue, 'x-dead-lettered-at': new Date().toISOString() });
    }
    log?.warn({ queue, eventId: event?.id, eventType: event?.type, traceparent: event?.traceparent, attempt, error }, dropped ? 'message dropped' : 'message dead-lettered');
    if (actions.ack()) emit({ kind: 'dead', queue, event, attempt, error });
  }

  return async function settleDelivery(spec: SubscriptionSpec, delivery: Delivery, actions: SettleActions): Promise<void> {
    const { queue } = delivery;
    const attempt = Number(delivery.headers?.['x-attempts'] ?? 0) + 1;
    let event: CloudEvent;
    try {
      event = parseCloudEvent(delivery.body);
    } catch (err) {
      const { action } = await settle(spec, policy, attempt, 'unreadable');
      return giveUp(delivery, actions, action === 'drop', null, attempt, errorSummary(err));
    }
    try {
      // Named for the subscription, not the declared queue: an exclusive queue's name is unique per process.
      await processTraced(spec.queue, event, attempt, (traced) => spec.handler(traced, { attempt, queue }));
    } catch (err) {
      const error = errorSummary(err);
      const settlement = await settle(spec, policy, attempt, 'handler');
      if (settlement.action !== 'retry') return giveUp(delivery, actions, settlement.action === 'drop', event, attempt, error);
      await actions.retry(settlement.delayMs, { 'x-attempts': settlement.attempts, 'x-last-error': error });
      log?.warn({ queue, eventId: event.id, eventType: event.type, traceparent: event.traceparent, attempt, err },
        settlement.waiting ? 'message handler failed while a dependency is down; waiting for it' : 'message handler failed; retrying');
      if (actions.ack()) emit({ kind: 'retry', queue, event, attempt, error });
      return;
    }
    if (actions.ack()) emit({ kind: 'ack', queue, event, attempt });
  }
}
