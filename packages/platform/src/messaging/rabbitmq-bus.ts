import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { deadLetterQueue, type Bus, type BusSignal, type RetryPolicy, type SubscriptionSpec } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';
import type { BusLog } from './in-process-bus';
import {
  confirmPublish,
  declareSubscription,
  errorHeader,
  eventProperties,
  forwardedProperties,
  retryQueue,
} from './rabbitmq-topology';

export interface RabbitMqBusOptions {
  url: string;
  retry?: RetryPolicy;
  log?: BusLog;
  /** Default prefetch for subscriptions that do not set their own. */
  prefetch?: number;
}

interface Consumer {
  spec: SubscriptionSpec;
  /** The declared name: `spec.queue`, or a unique name for an exclusive subscription. */
  queue: string;
  channel: Channel | null;
  tag: string | null;
  starting: Promise<void> | null;
  restartTimer: NodeJS.Timeout | null;
  inFlight: Set<Promise<void>>;
  cancelled: boolean;
  stopping: Promise<void> | null;
}

const DEFAULT_RETRY: RetryPolicy = { delaysMs: [200, 1000, 5000] };
const CONSUMER_RESTART_MS = 1000;

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

// A dead peer is noticed after two missed heartbeats; RabbitMQ's default of 60 s is too slow for readiness.
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '10');
  return parsed.toString();
}

/** Connects (a few quick tries, then rejects) and keeps reconnecting with back-off after any later loss. */
export async function createRabbitMqBus(options: RabbitMqBusOptions): Promise<Bus> {
  const { delaysMs } = options.retry ?? DEFAULT_RETRY;
  const defaultPrefetch = options.prefetch ?? 10;
  const log = options.log;
  const listeners = new Set<(signal: BusSignal) => void>();
  const consumers = new Set<Consumer>();
  const declaredExchanges = new Set<string>();
  let model: ChannelModel | null = null;
  let publisher: Promise<ConfirmChannel> | null = null;
  let closing: Promise<void> | undefined;

  const connection = await connect(withHeartbeat(options.url), {
    timeout: 5000,
    recovery: { initialDelay: 100, maxDelay: 5000, initialMaxRetries: 3, waitForConnect: false },
  });
  connection.on('error', (err: Error) => log?.warn({ err }, 'RabbitMQ connection error'));
  connection.on('reconnect-scheduled', ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) =>
    log?.debug({ attempt, delay, err: error }, 'RabbitMQ reconnect scheduled'),
  );
  connection.on('disconnect', (err: Error) => {
    model = null;
    publisher = null;
    declaredExchanges.clear();
    log?.warn({ err }, 'RabbitMQ connection lost; reconnecting');
  });
  connection.on('connect', (connected: ChannelModel) => {
    model = connected;
    log?.info({}, 'RabbitMQ connected');
    for (const consumer of consumers) ensureConsuming(consumer);
  });
  await connection.waitForConnect();

  function emit(signal: BusSignal): void {
    for (const listener of listeners) {
      try {
        listener(signal);
      } catch (err) {
        log?.error({ err }, 'bus signal listener threw');
      }
    }
  }

  // While disconnected this rejects at once: the caller (an outbox) retries, nothing is buffered here.
  function getPublisher(): Promise<ConfirmChannel> {
    if (closing) return Promise.reject(new Error('RabbitMQ bus is closed'));
    if (!model) return Promise.reject(new Error('RabbitMQ is not connected'));
    if (!publisher) {
      const opening: Promise<ConfirmChannel> = model.createConfirmChannel().then((ch) => {
        ch.on('error', (err: Error) => log?.warn({ err }, 'RabbitMQ publish channel error'));
        ch.on('close', () => {
          if (publisher !== opening) return;
          publisher = null;
          declaredExchanges.clear();
        });
        return ch;
      });
      opening.catch(() => {
        if (publisher === opening) publisher = null;
      });
      publisher = opening;
    }
    return publisher;
  }

  async function forward(queue: string, msg: ConsumeMessage, headers: Record<string, string | number>): Promise<void> {
    const ch = await getPublisher();
    await confirmPublish(ch, '', queue, msg.content, forwardedProperties(msg.properties, headers));
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

  async function handle(c: Consumer, ch: Channel, queue: string, msg: ConsumeMessage): Promise<void> {
    const attempt = Number(msg.properties.headers?.['x-attempts'] ?? 0) + 1;
    let event: CloudEvent;
    try {
      event = parseCloudEvent(msg.content);
    } catch (err) {
      return giveUp(c, ch, queue, msg, null, attempt, errorMessage(err));
    }
    try {
      await c.spec.handler(event, { attempt, queue });
    } catch (err) {
      const error = errorMessage(err);
      const delay = c.spec.exclusive ? undefined : delaysMs[attempt - 1];
      if (delay === undefined) return giveUp(c, ch, queue, msg, event, attempt, error);
      // Retry copy first, ack second: a crash in between duplicates the message, never loses it.
      await forward(retryQueue(queue, delay), msg, { 'x-attempts': attempt, 'x-last-error': errorHeader(error) });
      log?.debug({ queue, eventId: event.id, attempt, err }, 'message handler failed; retrying');
      if (ack(ch, msg)) emit({ kind: 'retry', queue, event, attempt, error });
      return;
    }
    if (ack(ch, msg)) emit({ kind: 'ack', queue, event, attempt });
  }

  async function giveUp(c: Consumer, ch: Channel, queue: string, msg: ConsumeMessage, event: CloudEvent | null, attempt: number, error: string) {
    if (!c.spec.exclusive) {
      const headers = { 'x-attempts': attempt, 'x-last-error': errorHeader(error), 'x-original-queue': queue };
      await forward(deadLetterQueue(queue), msg, headers);
    }
    log?.warn({ queue, eventId: event?.id, attempt, error }, c.spec.exclusive ? 'message dropped' : 'message dead-lettered');
    if (ack(ch, msg)) emit({ kind: 'dead', queue, event, attempt, error });
  }

  function onDelivery(c: Consumer, ch: Channel, queue: string, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled us (queue deleted): closing the channel restarts the consumer, redeclaring it.
      log?.warn({ queue }, 'RabbitMQ cancelled the consumer');
      ch.close().catch(() => {});
      return;
    }
    const handling = handle(c, ch, queue, msg)
      .catch((err) => {
        log?.error({ err, queue }, 'could not forward a failed message; requeueing it');
        try {
          ch.nack(msg, false, true);
        } catch {
          // Channel gone: the broker redelivers anyway.
        }
      })
      .finally(() => c.inFlight.delete(handling));
    c.inFlight.add(handling);
  }

  async function startConsumer(c: Consumer, on: ChannelModel): Promise<void> {
    const ch = await on.createChannel();
    c.channel = ch;
    ch.on('error', (err: Error) => log?.warn({ err, queue: c.queue }, 'RabbitMQ consumer channel error'));
    ch.on('close', () => {
      if (c.channel !== ch) return;
      c.channel = null;
      c.tag = null;
      scheduleRestart(c);
    });
    try {
      await ch.prefetch(c.spec.prefetch ?? defaultPrefetch);
      const queue = await declareSubscription(ch, c.spec, delaysMs);
      c.queue = queue;
      const { consumerTag } = await ch.consume(queue, (msg) => onDelivery(c, ch, queue, msg));
      c.tag = consumerTag;
    } catch (err) {
      await ch.close().catch(() => {});
      throw err;
    }
  }

  function ensureConsuming(c: Consumer): void {
    if (c.cancelled || c.channel || c.starting || !model || !consumers.has(c)) return;
    c.starting = startConsumer(c, model)
      .catch((err) => {
        log?.error({ err, queue: c.spec.queue }, 'could not restart consumer');
        scheduleRestart(c);
      })
      .finally(() => {
        c.starting = null;
      });
  }

  function scheduleRestart(c: Consumer): void {
    if (c.restartTimer || c.cancelled) return;
    c.restartTimer = setTimeout(() => {
      c.restartTimer = null;
      ensureConsuming(c);
    }, CONSUMER_RESTART_MS);
  }

  function stopConsumer(c: Consumer): Promise<void> {
    c.stopping ??= (async () => {
      c.cancelled = true;
      if (c.restartTimer) clearTimeout(c.restartTimer);
      await c.starting;
      const ch = c.channel;
      if (ch && c.tag) await ch.cancel(c.tag).catch(() => {});
      await Promise.allSettled(c.inFlight);
      c.channel = null;
      await ch?.close().catch(() => {});
      consumers.delete(c);
    })();
    return c.stopping;
  }

  return {
    kind: 'rabbitmq',

    async publish(exchange, events) {
      const ch = await getPublisher();
      if (!declaredExchanges.has(exchange)) {
        await ch.assertExchange(exchange, 'topic', { durable: true });
        declaredExchanges.add(exchange);
      }
      await Promise.all(
        events.map((event) => confirmPublish(ch, exchange, event.type, Buffer.from(JSON.stringify(event)), eventProperties(event))),
      );
    },

    async subscribe(spec) {
      if (closing) throw new Error('RabbitMQ bus is closed');
      if (!model) throw new Error('RabbitMQ is not connected');
      const c: Consumer = {
        spec,
        queue: spec.queue,
        channel: null,
        tag: null,
        starting: null,
        restartTimer: null,
        inFlight: new Set(),
        cancelled: false,
        stopping: null,
      };
      await startConsumer(c, model);
      consumers.add(c);
      if (closing) {
        await stopConsumer(c);
        throw new Error('RabbitMQ bus is closed');
      }
      return { cancel: () => stopConsumer(c) };
    },

    async ping() {
      await getPublisher();
    },

    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      closing ??= (async () => {
        await Promise.all([...consumers].map(stopConsumer));
        await connection.close();
      })();
      return closing;
    },
  };
}
