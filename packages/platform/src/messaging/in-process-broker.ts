import type { Binding } from './bus';

/** A message as the broker holds it: the body stays a string, so every delivery parses a fresh copy. */
export interface StoredMessage {
  body: string;
  routingKey: string;
  headers: Record<string, string | number>;
}

interface BrokerConsumer {
  prefetch: number;
  inFlight: number;
  deliver(message: StoredMessage, settle: () => void): void;
}

interface BrokerQueue {
  ready: StoredMessage[];
  bindings: Binding[];
  consumers: BrokerConsumer[];
  nextConsumer: number;
  dispatchScheduled: boolean;
}

/** AMQP topic matching: `*` is exactly one word, `#` zero or more. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') return match(i + 1, j) || (j < k.length && match(i, j + 1));
    return j < k.length && (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/**
 * The broker half of the in-process transport: exchanges, queues and their bindings,
 * round-robin dispatch bounded by each consumer's prefetch. Several buses may share one,
 * as several processes share one RabbitMQ.
 */
export function createInProcessBroker() {
  const exchanges = new Set<string>();
  const queues = new Map<string, BrokerQueue>();

  function dispatch(queue: BrokerQueue): void {
    while (queue.ready.length > 0) {
      const consumer = takeConsumer(queue);
      if (!consumer) return;
      const message = queue.ready.shift()!;
      consumer.inFlight += 1;
      let settled = false;
      consumer.deliver(message, () => {
        if (settled) return;
        settled = true;
        consumer.inFlight -= 1;
        scheduleDispatch(queue);
      });
    }
  }

  function takeConsumer(queue: BrokerQueue): BrokerConsumer | undefined {
    const n = queue.consumers.length;
    for (let i = 0; i < n; i += 1) {
      const index = (queue.nextConsumer + i) % n;
      const consumer = queue.consumers[index]!;
      if (consumer.inFlight < consumer.prefetch) {
        queue.nextConsumer = index + 1;
        return consumer;
      }
    }
    return undefined;
  }

  // Deliveries always start in a later macrotask, never inside the publisher's call stack.
  function scheduleDispatch(queue: BrokerQueue): void {
    if (queue.dispatchScheduled) return;
    queue.dispatchScheduled = true;
    setImmediate(() => {
      queue.dispatchScheduled = false;
      dispatch(queue);
    });
  }

  function enqueue(name: string, message: StoredMessage): void {
    const queue = queues.get(name);
    if (!queue) return;
    queue.ready.push(message);
    scheduleDispatch(queue);
  }

  return {
    declareExchange(name: string): void {
      exchanges.add(name);
    },

    declareQueue(name: string): void {
      if (!queues.has(name)) {
        queues.set(name, { ready: [], bindings: [], consumers: [], nextConsumer: 0, dispatchScheduled: false });
      }
    },

    bind(name: string, binding: Binding): void {
      const queue = queues.get(name);
      if (!queue) throw new Error(`queue "${name}" does not exist`);
      if (!exchanges.has(binding.exchange)) throw new Error(`exchange "${binding.exchange}" does not exist`);
      const known = queue.bindings.some((b) => b.exchange === binding.exchange && b.routingKey === binding.routingKey);
      if (!known) queue.bindings.push({ ...binding });
    },

    unbind(name: string, binding: Binding): void {
      const queue = queues.get(name);
      if (queue) queue.bindings = queue.bindings.filter((b) => b.exchange !== binding.exchange || b.routingKey !== binding.routingKey);
    },

    deleteQueue(name: string): void {
      queues.delete(name);
    },

    /** Copies the message into every queue with a matching binding; unrouted messages are dropped. */
    publish(exchange: string, message: StoredMessage): void {
      if (!exchanges.has(exchange)) throw new Error(`exchange "${exchange}" does not exist`);
      for (const [name, queue] of queues) {
        const routed = queue.bindings.some((b) => b.exchange === exchange && topicMatches(b.routingKey, message.routingKey));
        if (routed) enqueue(name, message);
      }
    },

    /** Like AMQP's default exchange: straight to the named queue, dropped if it does not exist. */
    enqueue,

    consume(name: string, prefetch: number, deliver: BrokerConsumer['deliver']): () => void {
      const queue = queues.get(name);
      if (!queue) throw new Error(`queue "${name}" does not exist`);
      const consumer: BrokerConsumer = { prefetch, inFlight: 0, deliver };
      queue.consumers.push(consumer);
      scheduleDispatch(queue);
      return () => {
        queue.consumers = queue.consumers.filter((c) => c !== consumer);
      };
    },

    /** Messages ready for delivery (not in flight), oldest first; undefined if the queue does not exist. */
    ready(name: string): readonly StoredMessage[] | undefined {
      return queues.get(name)?.ready;
    },
  };
}

export type InProcessBroker = ReturnType<typeof createInProcessBroker>;
