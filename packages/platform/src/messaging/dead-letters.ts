import { connect, type Channel, type ChannelModel, type GetMessage, type MessageProperties, type Options } from 'amqplib';
import { deadLetterQueue } from './bus';
import { parseCloudEvent } from './cloud-event';
import { confirmPublish, SOCKET_OPTIONS } from './rabbitmq-topology';

/** One dead-lettered message summed up for an operator: what it was, why and when it was parked. */
export interface DeadLetterSummary {
  /** The AMQP message-id, which is the event's id; else the body's `id`. */
  eventId: string | null;
  type: string | null;
  /** How many times the handler ran (`x-attempts`); null when the message never reached one. */
  attempts: number | null;
  lastError: string | null;
  /** Where a replay sends it: `x-original-queue`, else the DLQ's own consumer queue. */
  originalQueue: string;
  /** `x-dead-lettered-at`, or the broker's `x-death` record when RabbitMQ itself dead-lettered it. */
  deadLetteredAt: string | null;
  /** The CloudEvent's `data`; the whole body as text when it is no CloudEvent. */
  data: unknown;
}

export class UnknownQueueError extends Error {
  override readonly name = 'UnknownQueueError';
}

export interface DeadLetters {
  /** Ready messages in the queue's DLQ (a passive check); null when the DLQ was never declared. */
  count(queue: string): Promise<number | null>;
  /** The first `limit` messages, oldest first; they stay in the DLQ. */
  show(queue: string, opts: { limit: number }): Promise<{ deadLetterQueue: string; total: number; messages: DeadLetterSummary[] }>;
  /**
   * Re-publishes messages (all, or those of event `id`), oldest first, to their original queue and
   * removes each from the DLQ once the broker confirmed it; rejects at the first that fails, naming
   * how many went back before it.
   */
  replay(queue: string, opts?: { id?: string; limit?: number }): Promise<{ deadLetterQueue: string; replayed: DeadLetterSummary[] }>;
  /** Deletes messages (all, or those of event `id`) from the DLQ. */
  purge(queue: string, opts?: { id?: string }): Promise<{ deadLetterQueue: string; purged: number }>;
}

/** A consumer queue (`novos_pedidos`) or its DLQ (`novos_pedidos.dlq`) → the DLQ's name. */
export const toDeadLetterQueue = (queue: string) => (queue.endsWith('.dlq') ? queue : deadLetterQueue(queue));

// How long a command waits for the messages it read to be back; reached only when someone else
// takes messages from the DLQ meanwhile, and nothing is lost either way.
const RETURN_WAIT_MS = 2000;

// The bookkeeping of the message's previous trip, dropped on replay: our attempt counter (so the
// handler gets its full retries again) and the broker's dead-letter and delivery counters.
const PREVIOUS_TRIP = /^x-(attempts|dead-lettered-at|death|(first|last)-death-.+|delivery-count|acquired-count)$/;

/** Opens its own connection (no automatic reconnect: a command fails rather than waits). */
export async function connectDeadLetters(url: string): Promise<DeadLetters & { close(): Promise<void> }> {
  const model = await connect(url, SOCKET_OPTIONS);
  model.on('error', () => {}); // a lost connection rejects the operation in flight
  return { ...deadLetters(model), close: () => model.close().catch(() => {}) };
}

/**
 * Inspection, replay and purge of `<queue>.dlq` over an amqplib connection. Messages are read with
 * `basic.get` and no auto-ack, so a message leaves the DLQ only when acked after its replay was
 * confirmed (or for a purge); whatever is read and not removed goes back when the command ends.
 */
export function deadLetters(model: ChannelModel): DeadLetters {
  const returnsGoToHead = serverMajorVersion(model) >= 4;

  async function depth(dlq: string): Promise<number | null> {
    // A channel of its own: a passive check of a missing queue closes the channel.
    const ch = await model.createChannel();
    ch.on('error', () => {});
    try {
      return (await ch.checkQueue(dlq)).messageCount;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return null;
      throw error;
    } finally {
      await ch.close().catch(() => {});
    }
  }

  async function existingDepth(dlq: string): Promise<number> {
    const messages = await depth(dlq);
    if (messages === null) throw new UnknownQueueError(`no dead-letter queue "${dlq}" on this broker`);
    return messages;
  }

  /**
   * What a command read and keeps goes back with a nack each, in the order read. Quorum queues (every
   * DLQ is one, see rabbitmq-topology.ts) are FIFO only for messages never handed out; where a
   * returned message goes is up to the broker:
   * - RabbitMQ 4: before the rest, in the order returned. A nack does not count towards the default
   *   delivery limit of 20 since 4.3; on 4.0 to 4.2 it does, and as the DLQ has no dead-letter
   *   exchange, a message read more than 20 times there is dropped.
   * - RabbitMQ 3 (no delivery limit by default): at the tail, so a sweep that keeps anything reads
   *   the whole DLQ and it comes round in order. A channel's returns are applied as a batch keyed by
   *   delivery tag, which keeps their order for a few dozen messages; a longer DLQ may come back
   *   partly shuffled. Closing the channel with messages unacked would return them too, in no order.
   */
  async function giveBack(ch: Channel, dlq: string, held: GetMessage[]): Promise<void> {
    try {
      if (held.length === 0) return;
      const readyBefore = (await depth(dlq)) ?? 0;
      for (const msg of held) ch.nack(msg, false, true);
      await waitUntilReady(dlq, readyBefore + held.length);
    } catch {
      // Channel or connection gone: the broker returns what it held anyway.
    } finally {
      await ch.close().catch(() => {});
    }
  }

  /**
   * The queue applies returns after the nack, which has no answer: wait (briefly) until they are
   * visible again, so that the next command counts and finds them.
   */
  async function waitUntilReady(dlq: string, messages: number): Promise<void> {
    const deadline = Date.now() + RETURN_WAIT_MS;
    while (Date.now() < deadline) {
      if (((await depth(dlq)) ?? messages) >= messages) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Reads the DLQ from its head, at most as many messages as it held at the start (so messages
   * dead-lettered meanwhile, a replayed one failing again among them, cannot keep it going), and
   * hands `visit` the first `limit` that `match`. A visited message is acked when `remove` is set
   * and `visit` resolved; everything else read goes back. A throwing `visit` ends the sweep.
   */
  async function sweep(
    dlq: string,
    opts: { match: (letter: DeadLetterSummary) => boolean; limit: number; remove: boolean },
    visit: (msg: GetMessage, letter: DeadLetterSummary) => Promise<void>,
  ): Promise<{ total: number }> {
    const total = await existingDepth(dlq);
    const reader = await model.createChannel();
    reader.on('error', () => {});
    const held: GetMessage[] = [];
    let visited = 0;
    try {
      for (let read = 0; read < total; read++) {
        if (visited >= opts.limit && (held.length === 0 || returnsGoToHead)) break;
        const msg = await reader.get(dlq, { noAck: false });
        if (msg === false) break;
        held.push(msg);
        const letter = readLetter(dlq, msg);
        if (visited >= opts.limit || !opts.match(letter)) continue;
        await visit(msg, letter);
        visited += 1;
        if (opts.remove) {
          reader.ack(msg);
          held.pop();
        }
      }
    } finally {
      await giveBack(reader, dlq, held);
    }
    return { total };
  }

  const byId = (id: string | undefined) => (letter: DeadLetterSummary) => id === undefined || letter.eventId === id;

  return {
    count: (queue) => depth(toDeadLetterQueue(queue)),

    async show(queue, { limit }) {
      const dlq = toDeadLetterQueue(queue);
      const messages: DeadLetterSummary[] = [];
      const { total } = await sweep(dlq, { match: () => true, limit, remove: false }, async (_msg, letter) => {
        messages.push(letter);
      });
      return { deadLetterQueue: dlq, total, messages };
    },

    async replay(queue, { id, limit = Number.POSITIVE_INFINITY } = {}) {
      const dlq = toDeadLetterQueue(queue);
      const replayed: DeadLetterSummary[] = [];
      const publisher = await model.createConfirmChannel();
      publisher.on('error', () => {});
      // The default exchange drops a message for a queue that does not exist, and still confirms it:
      // `mandatory` has the broker return it first, so it is not acked out of the DLQ.
      let unroutable = false;
      publisher.on('return', () => {
        unroutable = true;
      });
      try {
        // Publish, wait for the confirm, then ack: a crash in between leaves the message in both
        // queues, and the consumer's inbox (deduplicating on the event id) applies it once.
        await sweep(dlq, { match: byId(id), limit, remove: true }, async (msg, letter) => {
          unroutable = false;
          await confirmPublish(publisher, '', letter.originalQueue, msg.content, { ...replayProperties(msg.properties), mandatory: true });
          if (unroutable) throw new Error(`queue "${letter.originalQueue}" does not exist`);
          replayed.push(letter);
        });
      } catch (error) {
        if (error instanceof UnknownQueueError) throw error;
        const what = replayed.length > 0 ? `replayed ${replayed.length} message(s), then stopped: ` : '';
        throw new Error(`${what}${(error as Error).message}; the rest is still in ${dlq}`, { cause: error });
      } finally {
        await publisher.close().catch(() => {});
      }
      return { deadLetterQueue: dlq, replayed };
    },

    async purge(queue, { id } = {}) {
      const dlq = toDeadLetterQueue(queue);
      if (id === undefined) {
        await existingDepth(dlq);
        const ch = await model.createChannel();
        ch.on('error', () => {});
        try {
          return { deadLetterQueue: dlq, purged: (await ch.purgeQueue(dlq)).messageCount };
        } finally {
          await ch.close().catch(() => {});
        }
      }
      let purged = 0;
      await sweep(dlq, { match: byId(id), limit: Number.POSITIVE_INFINITY, remove: true }, async () => {
        purged += 1;
      });
      return { deadLetterQueue: dlq, purged };
    },
  };
}

function serverMajorVersion(model: ChannelModel): number {
  const major = Number.parseInt(model.connection.serverProperties.version ?? '', 10);
  return Number.isNaN(major) ? 0 : major;
}

function readLetter(dlq: string, msg: GetMessage): DeadLetterSummary {
  const props = msg.properties;
  const headers = (props.headers ?? {}) as Record<string, unknown>;
  let event: { id: string; type: string; data: unknown } | null = null;
  try {
    event = parseCloudEvent(msg.content);
  } catch {
    // A poison body: shown as it is.
  }
  const consumerQueue = dlq.slice(0, -'.dlq'.length);
  return {
    eventId: stringOr(props.messageId) ?? event?.id ?? null,
    type: event?.type ?? stringOr(props.type),
    attempts: numberOr(headers['x-attempts']),
    lastError: stringOr(headers['x-last-error']),
    originalQueue: stringOr(headers['x-original-queue']) ?? consumerQueue,
    deadLetteredAt: stringOr(headers['x-dead-lettered-at']) ?? brokerDeathTime(headers['x-death']),
    data: event ? event.data : msg.content.toString('utf8'),
  };
}

/** Its own properties and headers, minus the previous trip's bookkeeping. */
function replayProperties(props: MessageProperties): Options.Publish {
  const headers = Object.fromEntries(Object.entries((props.headers ?? {}) as Record<string, unknown>).filter(([key]) => !PREVIOUS_TRIP.test(key)));
  const options: Options.Publish = {
    contentType: props.contentType,
    contentEncoding: props.contentEncoding,
    headers,
    deliveryMode: props.deliveryMode ?? 2,
    priority: props.priority,
    correlationId: props.correlationId,
    replyTo: props.replyTo,
    expiration: props.expiration,
    messageId: props.messageId,
    timestamp: props.timestamp,
    type: props.type,
    appId: props.appId,
    // userId is left out: the broker refuses one that is not the replaying connection's own user.
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Options.Publish;
}

const stringOr = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function numberOr(value: unknown): number | null {
  const n = typeof value === 'object' && value !== null && 'value' in value ? Number(value.value) : Number(value);
  return value === undefined || value === null || Number.isNaN(n) ? null : n;
}

/** `x-death` is newest first; its `time` is an AMQP timestamp (seconds), which amqplib wraps. */
function brokerDeathTime(xDeath: unknown): string | null {
  if (!Array.isArray(xDeath) || xDeath.length === 0) return null;
  const seconds = numberOr((xDeath[0] as Record<string, unknown> | null)?.time);
  return seconds === null ? null : new Date(seconds * 1000).toISOString();
}
