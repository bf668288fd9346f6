import cluster from 'node:cluster';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { metricsFromPrimary, shareWithPrimary } from './cluster-metrics';
import { deadLetterQueue, type Bus } from './messaging/bus';
import type { OutboxRelay } from './messaging/outbox';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * One registry per service, so several services can share a process and still each
 * expose only their own series. Every series carries a `service` label.
 */
export function createMetrics(opts: { service: string; prefix?: string }) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  collectDefaultMetrics({ register: registry, prefix: opts.prefix ?? 'pedidos_' });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const queueCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['queue'] as const, registers: [registry] });
  const processed = queueCounter('messages_processed_total', 'Messages handled and acked, by queue');
  const retried = queueCounter('messages_retried_total', 'Handler failures that were scheduled for a retry, by queue');
  const deadLettered = queueCounter('messages_dead_lettered_total', 'Messages parked in the dead-letter queue, by queue');

  /** A counter of the service's own, without labels: it reads 0 from the start. */
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });

  /** Counts the bus's signals for `queues` only; returns the unsubscribe. */
  function observeBus(bus: Pick<Bus, 'on'>, queues: string[]): () => void {
    const watched = new Set(queues);
    // Zeroed series exist from the start, so rate() and alerts see them before the first message.
    for (const queue of watched) for (const c of [processed, retried, deadLettered]) c.inc({ queue }, 0);
    return bus.on((signal) => {
      if (!watched.has(signal.queue)) return;
      const c = signal.kind === 'ack' ? processed : signal.kind === 'retry' ? retried : deadLettered;
      c.inc({ queue: signal.queue });
    });
  }

  /**
   * A gauge read at scrape time; a failing read reports NaN rather than failing the whole scrape.
   * What it reads is shared (the database, the broker), so every worker sees the same value: the
   * service's is their maximum, not their sum.
   */
  function gaugeFromCallback(name: string, help: string, collect: () => Promise<number> | number): Gauge {
    return new Gauge({
      name,
      help,
      aggregator: 'max',
      registers: [registry],
      async collect() {
        try {
          this.set(await collect());
        } catch {
          this.set(Number.NaN);
        }
      },
    });
  }

  const batchSizes = new Histogram({
    name: 'consumer_batch_size',
    help: 'Deliveries applied together in one transaction by a batching consumer, by queue',
    labelNames: ['queue'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  });
  /** For `batchingHandler`'s `onBatch`. */
  const observeBatch = (queue: string, size: number) => batchSizes.observe({ queue }, size);

  /** A histogram of this service's own, e.g. how much work each batch did. */
  const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] });

  /** Broker-side gauges read at scrape time, per watched queue: `queue` names the queue itself. */
  const depthGauge = (name: string, help: string, bus: Pick<Bus, 'queueDepth'>, queues: string[], read: (queue: string) => string) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'] as const,
      aggregator: 'max',
      registers: [registry],
      async collect() {
        await Promise.all(queues.map(async (queue) => {
          this.set({ queue }, await bus.queueDepth(read(queue)).catch(() => Number.NaN));
        }));
      },
    });

  /** Messages ready in each watched queue (its backlog) and in its DLQ, read from the broker at scrape time. */
  function observeQueues(bus: Pick<Bus, 'queueDepth'>, queues: string[]): void {
    depthGauge('queue_messages', 'Messages ready in the queue, waiting for a consumer, by queue', bus, queues, (queue) => queue);
    depthGauge('dead_letter_queue_messages', "Messages waiting in the queue's dead-letter queue, by queue", bus, queues, deadLetterQueue);
  }

  /** The relay's lag: how many events wait to be published, and for how long the oldest has. */
  function observeOutbox(relay: Pick<OutboxRelay, 'stats'>): void {
    gaugeFromCallback('outbox_backlog', 'Events committed but not yet published', async () => (await relay.stats()).backlog);
    gaugeFromCallback('outbox_oldest_age_seconds', 'Age of the oldest unpublished event', async () => (await relay.stats()).oldestAgeSeconds);
  }

  if (cluster.isWorker) shareWithPrimary(registry);

  /** The text `/metrics` answers: this process's, or in a worker the whole service's (cluster-metrics.ts). */
  const exposition = (): Promise<string> => (cluster.isWorker ? metricsFromPrimary() : registry.metrics());

  return { registry, httpDuration, observeBus, observeQueues, observeBatch, observeOutbox, gaugeFromCallback, histogram, counter, exposition };
}
