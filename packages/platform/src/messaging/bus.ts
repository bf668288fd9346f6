import type { CloudEvent } from './cloud-event';

/** Where a queue takes its messages from: a topic exchange and a routing-key pattern. */
export interface Binding {
  exchange: string;
  routingKey: string;
}

export interface DeliveryContext {
  /** 1 on the first delivery; grows with every retry of the same message. */
  attempt: number;
  queue: string;
}

/** Resolve to ack. Throw to have the message retried with back-off, then dead-lettered. */
export type Handler = (event: CloudEvent, ctx: DeliveryContext) => Promise<void>;

export interface SubscriptionSpec {
  /** Durable queue name, e.g. `novos_pedidos`. Its dead letters go to `<queue>.dlq`. */
  queue: string;
  bindings: Binding[];
  handler: Handler;
  /** Unacked messages in flight for this consumer. */
  prefetch?: number;
  /**
   * A queue owned by this process alone, removed when it disconnects (one per replica,
   * so that every replica sees every message: live updates). No retries or DLQ.
   */
  exclusive?: boolean;
  /**
   * What the handler needs besides the message, e.g. `() => db.ping()`. Asked after a failure:
   * while it rejects, the failure is the dependency's, not the message's, so the message waits out
   * the longest back-off and comes back without spending an attempt. An outage longer than all
   * the retries then dead-letters nothing; the messages are handled once it is over.
   */
  dependsOn?: () => Promise<unknown>;
}

export interface Subscription {
  cancel(): Promise<void>;
}

/** What the transports report, for metrics and for tests that await an outcome. */
export type BusSignal =
  | { kind: 'ack'; queue: string; event: CloudEvent; attempt: number }
  | { kind: 'retry'; queue: string; event: CloudEvent; attempt: number; error: string }
  | { kind: 'dead'; queue: string; event: CloudEvent | null; attempt: number; error: string };

export interface RetryPolicy {
  /** Back-off before each retry; a message fails `delaysMs.length + 1` times before its DLQ. */
  delaysMs: number[];
}

export const DEFAULT_RETRY: RetryPolicy = { delaysMs: [200, 1000, 5000] };

type LogFn = (obj: object, msg?: string) => void;
/** What a transport logs to; a service's pino logger fits. */
export interface BusLog {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug: LogFn;
}

export interface Bus {
  readonly kind: 'rabbitmq' | 'in-process';
  /**
   * Publishes to a durable topic exchange (declared on first use), routing key = event type.
   * Resolves once the broker has confirmed every event; rejects if any was not.
   */
  publish(exchange: string, events: CloudEvent[]): Promise<void>;
  subscribe(spec: SubscriptionSpec): Promise<Subscription>;
  /**
   * Adds routes to a durable queue a subscription declared, for routes that follow what users
   * configure rather than the code (which events some webhook endpoint wants). Idempotent.
   */
  bind(queue: string, bindings: Binding[]): Promise<void>;
  /** Removes routes `bind` (or a subscription) added; one that is not there is no error. */
  unbind(queue: string, bindings: Binding[]): Promise<void>;
  /** Readiness: rejects when the broker cannot be reached. */
  ping(): Promise<void>;
  /** Messages ready in a queue (e.g. a DLQ, for operators); 0 when the queue does not exist. */
  queueDepth(queue: string): Promise<number>;
  on(listener: (signal: BusSignal) => void): () => void;
  /** Stops consuming, waits for handlers in flight, then closes connections. */
  close(): Promise<void>;
}

export const deadLetterQueue = (queue: string) => `${queue}.dlq`;

/** The `on`/emit pair both transports share; a throwing listener is logged, never propagated. */
export function signalHub(log?: Pick<BusLog, 'error'>) {
  const listeners = new Set<(signal: BusSignal) => void>();
  return {
    emit(signal: BusSignal): void {
      for (const listener of listeners) {
        try {
          listener(signal);
        } catch (err) {
          log?.error({ err }, 'bus signal listener threw');
        }
      }
    },
    on(listener: (signal: BusSignal) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
