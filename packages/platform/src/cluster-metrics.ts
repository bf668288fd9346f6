import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * `/metrics` under WEB_CONCURRENCY > 1. Workers share one port, so a scrape reaches whichever
 * worker accepts the connection; its own counters would be a fraction of the service's and jump
 * from scrape to scrape. Instead the worker asks the primary, which gathers every worker's
 * registry with prom-client's AggregatorRegistry (counters and histograms summed, gauges by
 * their `aggregator`) and answers with the whole service's numbers.
 */

const REQUEST = 'pedidos:metrics-request';
const REPLY = 'pedidos:metrics-reply';
const TIMEOUT_MS = 6_000;

interface Reply {
  type: typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(value: unknown, type: T['type']): value is T =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;

/** In a worker: the registry the primary's aggregation reads (prom-client answers it itself). */
export function shareWithPrimary(registry: Registry): void {
  // Constructing one installs prom-client's listener that answers the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** In the primary: answers workers' requests with every worker's metrics, aggregated. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<{ type: typeof REQUEST; id: number }>(message, REQUEST)) return;
    const answer = (reply: Omit<Reply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: message.id, ...reply });
    };
    aggregator.clusterMetrics().then((text) => answer({ text }), (error: unknown) => answer({ error: String(error) }));
  });
}

let nextId = 0;

/** In a worker: the whole service's metrics, from the primary. */
export function metricsFromPrimary(): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary process did not answer with the workers\' metrics'));
    }, TIMEOUT_MS);
    function onMessage(message: unknown) {
      if (!isMessage<Reply>(message, REPLY) || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`aggregating the workers' metrics failed: ${message.error}`));
    }
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
}
