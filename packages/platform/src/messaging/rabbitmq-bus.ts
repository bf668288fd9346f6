import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { DEFAULT_RETRY, signalHub, type Bus, type BusLog, type RetryPolicy, type SubscriptionSpec } from './bus';
import { createDeliveryHandler } from './rabbitmq-delivery';
import { coalesceWrites, socketOf } from './rabbitmq-socket';
import { confirmPublish, declareSubscription, eventProperties, forwardedProperties, SOCKET_OPTIONS } from './rabbitmq-topology';

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

const CONSUMER_RESTART_MS = 1000;

// A dead peer is noticed after two missed heartbeats; RabbitMQ's default of 60 s is too slow for readiness.
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '10');
  return parsed.toString();
}

/** Connects (a few quick tries, then rejects) and keeps reconnecting with back-off after any later loss. */
export async function createRabbitMqBus(options: RabbitMqBusOptions): Promise<Bus> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const defaultPrefetch = options.prefetch ?? 10;
  const log = options.log;
  const { emit, on } = signalHub(log);
  const consumers = new Set<Consumer>();
  const declaredExchanges = new Set<string>();
  let model: ChannelModel | null = null;
  let publisher: Promise<ConfirmChannel> | null = null;
  let closing: Promise<void> | undefined;

  const connection = await connect(withHeartbeat(options.url), {
    ...SOCKET_OPTIONS,
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
    const socket = socketOf(connected);
    if (socket) coalesceWrites(socket);
    else log?.warn({}, 'RabbitMQ socket not found: frames are written one by one');
    model = connected;
    log?.info({}, 'RabbitMQ connected');
    for (const consumer of consumers) ensureConsuming(consumer);
  });
  await connection.waitForConnect();

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

  /** A channel of its own for `work`: an operation the broker refuses (a queue that does not exist) closes its channel. */
  async function onChannelOfItsOwn<T>(work: (ch: Channel) => Promise<T>): Promise<T> {
    if (!model) throw new Error('RabbitMQ is not connected');
    const ch = await model.createChannel();
    ch.on('error', () => {});
    try {
      return await work(ch);
    } finally {
      await ch.close().catch(() => {});
    }
  }

  const handleDelivery = createDeliveryHandler({
    policy,
    emit,
    log,
    async forward(queue, msg, headers) {
      const ch = await getPublisher();
      await confirmPublish(ch, '', queue, msg.content, forwardedProperties(msg.properties, headers));
    },
  });

  function onDelivery(c: Consumer, ch: Channel, queue: string, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled us (queue deleted): closing the channel restarts the consumer, redeclaring it.
      log?.warn({ queue }, 'RabbitMQ cancelled the consumer');
      ch.close().catch(() => {});
      return;
    }
    const handling = handleDelivery(c.spec, ch, queue, msg).finally(() => c.inFlight.delete(handling));
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
      const queue = await declareSubscription(ch, c.spec, policy.delaysMs);
      c.queue = queue;
      const { consumerTag } = await ch.consume(queue, (msg) => onDelivery(c, ch, queue, msg));
      c.tag = consumerTag;
    } catch (err) {
      c.channel = null; // the caller decides whether to retry, not the close listener
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

    queueDepth: (queue) =>
      onChannelOfItsOwn(async (ch) => {
        try {
          return (await ch.checkQueue(queue)).messageCount;
        } catch (error) {
          if ((error as { code?: number }).code === 404) return 0;
          throw error;
        }
      }),

    bind: (queue, bindings) =>
      closing ? Promise.reject(new Error('RabbitMQ bus is closed')) : onChannelOfItsOwn(async (ch) => {
        for (const binding of bindings) {
          await ch.assertExchange(binding.exchange, 'topic', { durable: true });
          await ch.bindQueue(queue, binding.exchange, binding.routingKey);
        }
      }),

    // RabbitMQ answers unbind-ok for a binding that is not there.
    unbind: (queue, bindings) =>
      closing ? Promise.reject(new Error('RabbitMQ bus is closed')) : onChannelOfItsOwn(async (ch) => {
        for (const binding of bindings) await ch.unbindQueue(queue, binding.exchange, binding.routingKey);
      }),

    on,

    close() {
      closing ??= (async () => {
        await Promise.all([...consumers].map(stopConsumer));
        await connection.close();
      })();
      return closing;
    },
  };
}
