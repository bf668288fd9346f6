import { randomUUID } from 'node:crypto';
import { afterFailure, deadLetterQueue, signalHub, type Bus, type BusSignal, type RetryPolicy, type Subscription, type SubscriptionSpec } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';
import { createInProcessBroker, type InProcessBroker, type StoredMessage } from './in-process-broker';
import { errorSummary } from '../error-summary';

export { createInProcessBroker, type InProcessBroker } from './in-process-broker';

type LogFn = (obj: object, msg?: string) => void;
export interface BusLog {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug: LogFn;
}

export interface DeadLetter {
  event: CloudEvent | null;
  body: string;
  error: string;
  attempts: number;
  originalQueue: string;
}

export interface InProcessBus extends Bus {
  readonly kind: 'in-process';
  /** Resolves on the next matching signal emitted after the call. */
  waitFor(kind: BusSignal['kind'], predicate?: (signal: BusSignal) => boolean, timeoutMs?: number): Promise<BusSignal>;
  /** What `<queue>.dlq` holds for the main queue `queue`. */
  deadLetters(queue: string): DeadLetter[];
  /** Messages ready in `queue`, not counting those in flight; throws if the queue does not exist. */
  depth(queue: string): number;
  /** Publishes any body, CloudEvent or not, to test poison messages. */
  publishRaw(exchange: string, routingKey: string, body: string): Promise<void>;
}

export interface InProcessBusOptions {
  retry?: RetryPolicy;
  log?: BusLog;
  /** Share one broker between buses to model several processes on one RabbitMQ; default: a private one. */
  broker?: InProcessBroker;
}

const DEFAULT_RETRY: RetryPolicy = { delaysMs: [200, 1000, 5000] };
const DEFAULT_PREFETCH = 10;

function tryParse(body: string): CloudEvent | null {
  try {
    return parseCloudEvent(body);
  } catch {
    return null;
  }
}

export function createInProcessBus(options: InProcessBusOptions = {}): InProcessBus {
  const broker = options.broker ?? createInProcessBroker();
  const { delaysMs } = options.retry ?? DEFAULT_RETRY;
  const log = options.log;
  const { emit, on } = signalHub(log);
  const subscriptions = new Set<Subscription>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new Error('in-process bus is closed');
  }

  async function handle(spec: SubscriptionSpec, queue: string, message: StoredMessage): Promise<void> {
    const attempt = Number(message.headers['x-attempts'] ?? 0) + 1;
    let event: CloudEvent;
    try {
      event = parseCloudEvent(message.body);
    } catch (err) {
      giveUp(spec, queue, message, null, attempt, errorSummary(err));
      return;
    }
    try {
      await spec.handler(event, { attempt, queue });
      emit({ kind: 'ack', queue, event, attempt });
    } catch (err) {
      const error = errorSummary(err);
      const { delayMs, attempts, waiting } = await afterFailure(spec, attempt, delaysMs);
      if (delayMs === undefined) {
        giveUp(spec, queue, message, event, attempt, error);
        return;
      }
      const retried: StoredMessage = { ...message, headers: { ...message.headers, 'x-attempts': attempts, 'x-last-error': error } };
      // The broker, not this bus, owns a message waiting out its back-off, as RabbitMQ's retry queue would.
      setTimeout(() => broker.enqueue(queue, retried), delayMs).unref();
      log?.warn({ queue, eventId: event.id, eventType: event.type, traceparent: event.traceparent, attempt, err },
        waiting ? 'message handler failed while a dependency is down; waiting for it' : 'message handler failed; retrying');
      emit({ kind: 'retry', queue, event, attempt, error });
    }
  }

  function giveUp(spec: SubscriptionSpec, queue: string, message: StoredMessage, event: CloudEvent | null, attempt: number, error: string): void {
    if (!spec.exclusive) {
      const headers = { ...message.headers, 'x-attempts': attempt, 'x-last-error': error, 'x-original-queue': queue, 'x-dead-lettered-at': new Date().toISOString() };
      broker.enqueue(deadLetterQueue(queue), { ...message, headers });
    }
    log?.warn({ queue, eventId: event?.id, eventType: event?.type, traceparent: event?.traceparent, attempt, error }, spec.exclusive ? 'message dropped' : 'message dead-lettered');
    emit({ kind: 'dead', queue, event, attempt, error });
  }

  return {
    kind: 'in-process',

    async publish(exchange, events) {
      assertOpen();
      broker.declareExchange(exchange);
      for (const event of events) {
        broker.publish(exchange, { body: JSON.stringify(event), routingKey: event.type, headers: {} });
      }
    },

    async publishRaw(exchange, routingKey, body) {
      assertOpen();
      broker.declareExchange(exchange);
      broker.publish(exchange, { body, routingKey, headers: {} });
    },

    async subscribe(spec) {
      assertOpen();
      const queue = spec.exclusive ? `${spec.queue}.${randomUUID()}` : spec.queue;
      broker.declareQueue(queue);
      if (!spec.exclusive) broker.declareQueue(deadLetterQueue(queue));
      for (const binding of spec.bindings) {
        broker.declareExchange(binding.exchange);
        broker.bind(queue, binding);
      }
      const inFlight = new Set<Promise<void>>();
      const stopConsuming = broker.consume(queue, spec.prefetch ?? DEFAULT_PREFETCH, (message, settle) => {
        const handling = handle(spec, queue, message).finally(() => {
          inFlight.delete(handling);
          settle();
        });
        inFlight.add(handling);
      });
      let cancelling: Promise<void> | undefined;
      const subscription: Subscription = {
        cancel: () =>
          (cancelling ??= (async () => {
            stopConsuming();
            await Promise.allSettled(inFlight);
            if (spec.exclusive) broker.deleteQueue(queue);
            subscriptions.delete(subscription);
          })()),
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async ping() {
      assertOpen();
    },

    on,

    close() {
      closing ??= Promise.all([...subscriptions].map((s) => s.cancel())).then(() => undefined);
      return closing;
    },

    waitFor(kind, predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`waitFor('${kind}') timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        const off = on((signal) => {
          if (signal.kind !== kind || (predicate && !predicate(signal))) return;
          clearTimeout(timer);
          off();
          resolve(signal);
        });
      });
    },

    deadLetters(queue) {
      return (broker.ready(deadLetterQueue(queue)) ?? []).map((m) => ({
        event: tryParse(m.body),
        body: m.body,
        error: String(m.headers['x-last-error'] ?? ''),
        attempts: Number(m.headers['x-attempts'] ?? 0),
        originalQueue: String(m.headers['x-original-queue'] ?? queue),
      }));
    },

    depth(queue) {
      const ready = broker.ready(queue);
      if (!ready) throw new Error(`queue "${queue}" does not exist`);
      return ready.length;
    },

    async queueDepth(queue) {
      return broker.ready(queue)?.length ?? 0;
    },
  };
}
