import { randomUUID } from 'node:crypto';
import { DEFAULT_RETRY, deadLetterQueue, signalHub, type Bus, type BusLog, type BusSignal, type RetryPolicy, type Subscription, type SubscriptionSpec } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';
import { createInProcessBroker, type InProcessBroker, type StoredMessage } from './in-process-broker';
import { createDeliverySettler, type SettleActions, type SettlementHeaders } from './settle';

export { createInProcessBroker, type InProcessBroker } from './in-process-broker';

/** A message in an in-process DLQ with the headers it was parked with, read back by tests. */
export interface InProcessDeadLetter {
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
  deadLetters(queue: string): InProcessDeadLetter[];
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
  const log = options.log;
  const { emit, on } = signalHub(log);
  const settleDelivery = createDeliverySettler({ policy: options.retry ?? DEFAULT_RETRY, emit, log });
  const subscriptions = new Set<Subscription>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new Error('in-process bus is closed');
  }

  // The broker settles a delivery once handling ends (see `subscribe`), so the ack itself cannot fail.
  function settleActions(queue: string, message: StoredMessage): SettleActions {
    const withHeaders = (headers: SettlementHeaders): StoredMessage => ({ ...message, headers: { ...message.headers, ...headers } });
    return {
      async retry(delayMs, headers) {
        // The broker, not this bus, owns a message waiting out its back-off, as RabbitMQ's retry queue would.
        setTimeout(() => broker.enqueue(queue, withHeaders(headers)), delayMs).unref();
      },
      async deadLetter(headers) {
        broker.enqueue(deadLetterQueue(queue), withHeaders(headers));
      },
      ack: () => true,
    };
  }

  function handle(spec: SubscriptionSpec, queue: string, message: StoredMessage): Promise<void> {
    return settleDelivery(spec, { queue, body: message.body, headers: message.headers }, settleActions(queue, message));
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

    async bind(queue, bindings) {
      assertOpen();
      for (const binding of bindings) {
        broker.declareExchange(binding.exchange);
        broker.bind(queue, binding);
      }
    },

    async unbind(queue, bindings) {
      assertOpen();
      for (const binding of bindings) broker.unbind(queue, binding);
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
