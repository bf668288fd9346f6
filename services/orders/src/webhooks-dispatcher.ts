import type { Db } from '@pedidos/platform/db';
import type { Logger } from '@pedidos/platform/logger';
import { exponentialBackoff } from '@pedidos/platform/messaging';
import { inTraceOf } from '@pedidos/platform/tracing';
import { claimDueDeliveries, recordAttempt, releaseDeliveries, type ClaimedDelivery } from './db/webhooks';
import type { WebhookSender } from './webhooks-sender';

/** Deliveries taken per round, and sent this many at a time. */
const BATCH = 100;
const CONCURRENCY = 16;
const MAX_DELAY_MS = 60 * 60_000;

/** Exponential back-off with jitter (between half and all of the doubled delay), so that retries of one outage spread out. */
export const retryDelayMs = (minMs: number, attempts: number, random = Math.random) =>
  exponentialBackoff(minMs, MAX_DELAY_MS)(attempts) * (0.5 + random() / 2);

/**
 * Sends due deliveries, at least once each: a crash between the answer and its record sends the
 * delivery again when its lease ends, with the same `webhook-id`, which is what receivers
 * deduplicate on. Retries go on for `retryForMs` from the delivery's creation (or last replay),
 * the last one at the window's end; then the delivery is failed.
 */
export function createWebhookDispatcher({ db, sender, log, pollMs, retryForMs, retryMinMs, timeoutMs }: {
  db: Db;
  sender: WebhookSender;
  log: Logger;
  pollMs: number;
  retryForMs: number;
  retryMinMs: number;
  timeoutMs: number;
}) {
  // Outlives any attempt (its connection, answer and record), so a delivery is never sent twice at once.
  const leaseMs = 2 * timeoutMs + 5_000;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await sender.send({ url: delivery.url, secret: delivery.secret, id: delivery.eventId, body: JSON.stringify(delivery.event) });
    const at = new Date();
    const windowEnd = delivery.retryingSince.getTime() + retryForMs;
    const retry = outcome.verdict === 'retry' && at.getTime() < windowEnd;
    const status = outcome.verdict === 'delivered' ? 'delivered' : retry ? 'pending' : 'failed';
    const nextAttemptAt = retry ? new Date(Math.min(windowEnd, at.getTime() + retryDelayMs(retryMinMs, delivery.attempts + 1))) : null;
    await db.transaction((tx) => recordAttempt(tx, delivery.id, { at, statusCode: outcome.statusCode, durationMs: outcome.durationMs, error: outcome.error, status, nextAttemptAt }));
    if (status !== 'delivered') {
      log.warn({ deliveryId: delivery.id, eventId: delivery.eventId, statusCode: outcome.statusCode, error: outcome.error, status }, 'webhook delivery not accepted');
    }
  }

  /** One round; true when a full batch was taken and more may be due. */
  async function round(): Promise<boolean> {
    const due = await claimDueDeliveries(db, BATCH, leaseMs);
    let next = 0;
    const worker = async () => {
      while (next < due.length && state === 'started') {
        const delivery = due[next++]!;
        try {
          // The attempt belongs to the event's trace, not to whichever request or message kicked this loop.
          await inTraceOf(delivery.event.traceparent, () => deliver(delivery));
        } catch (error) {
          // Its lease ends and it is sent again: unrecorded, the attempt never happened for us.
          log.warn({ err: error, deliveryId: delivery.id }, 'webhook attempt not recorded; will retry');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
    // Stopping leaves the rest untried: due again at once for another replica, not after the lease.
    if (next < due.length) await releaseDeliveries(db, due.slice(next).map((d) => d.id));
    return due.length === BATCH;
  }

  let timer: NodeJS.Timeout | undefined;
  let state: 'idle' | 'started' | 'stopped' = 'idle';
  let running: Promise<void> | undefined;
  let again = false;

  function run(): void {
    running = (async () => {
      try {
        while ((await round()) && state === 'started') {}
      } catch (error) {
        log.warn({ err: error }, 'webhook dispatch failed; will retry');
      }
    })().finally(() => {
      running = undefined;
      if (again && state === 'started') {
        again = false;
        run();
      }
    });
  }

  return {
    start() {
      if (state !== 'idle') return;
      state = 'started';
      // Polling finds the retries that come due, other replicas' deliveries and leases a crash left.
      timer = setInterval(() => {
        if (!running) run();
      }, pollMs);
      timer.unref();
      run();
    },
    kick() {
      if (state !== 'started') return;
      if (running) again = true;
      else run();
    },
    async stop() {
      state = 'stopped';
      clearInterval(timer);
      again = false;
      await running;
    },
  };
}
