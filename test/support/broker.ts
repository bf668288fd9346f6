import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type GetMessage, type Options } from 'amqplib';
import { eventually } from '@pedidos/platform/testing';

const run = promisify(execFile);

/** `rabbitmqctl` on the local broker (the harness runs as root, next to it). */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['--quiet', ...args], { timeout: 120_000 });
  return stdout;
}

/** Resolves once `url` accepts an AMQP connection again (after `rabbitmqctl start_app`). */
export async function waitForBroker(url: string, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => {
    const conn = await connect(url, { timeout: 2000 });
    conn.on('error', () => {});
    await conn.close();
    return true;
  }, timeoutMs, `RabbitMQ accepting connections at ${new URL(url).host}`);
}

export interface TakenMessage {
  message: GetMessage;
  /** The body as text. */
  body: string;
  ack(): void;
  nack(requeue: boolean): void;
}

/** A test's own AMQP client on the system's vhost: looks into queues and publishes raw messages. */
export interface BrokerProbe {
  /** Polls `basic.get` until `queue` yields a message; it stays unacked until ack()/nack(). */
  take(queue: string, timeoutMs?: number): Promise<TakenMessage>;
  /** Publishes and waits for the broker's confirm. */
  publish(exchange: string, routingKey: string, content: Buffer | string, options?: Options.Publish): Promise<void>;
  queueExists(queue: string): Promise<boolean>;
  /** Ready messages (not those delivered and awaiting an ack). */
  readyCount(queue: string): Promise<number>;
  deleteQueue(queue: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens lazily and reopens after the connection is lost (a broker restart drops it). */
export function brokerProbe(url: string): BrokerProbe {
  let model: Promise<ChannelModel> | null = null;
  let channel: Promise<ConfirmChannel> | null = null;

  function connection(): Promise<ChannelModel> {
    if (!model) {
      const opening = connect(url, { timeout: 5000 }).then((conn) => {
        conn.on('error', () => {});
        conn.on('close', () => {
          if (model !== opening) return;
          model = null;
          channel = null;
        });
        return conn;
      });
      opening.catch(() => {
        if (model === opening) model = null;
      });
      model = opening;
    }
    return model;
  }

  function mainChannel(): Promise<ConfirmChannel> {
    if (!channel) {
      const opening = connection().then(async (conn) => {
        const ch = await conn.createConfirmChannel();
        ch.on('error', () => {});
        ch.on('close', () => {
          if (channel === opening) channel = null;
        });
        return ch;
      });
      opening.catch(() => {
        if (channel === opening) channel = null;
      });
      channel = opening;
    }
    return channel;
  }

  /** A throwaway channel for operations that close their channel on failure (passive declare). */
  async function scratch<T>(work: (ch: Channel) => Promise<T>): Promise<T> {
    const ch = await (await connection()).createChannel();
    ch.on('error', () => {});
    try {
      return await work(ch);
    } finally {
      await ch.close().catch(() => {});
    }
  }

  return {
    async take(queue, timeoutMs = 15_000) {
      return eventually(async () => {
        const ch = await mainChannel();
        const message = await ch.get(queue, { noAck: false });
        if (message === false) return undefined;
        return { message, body: message.content.toString('utf8'), ack: () => ch.ack(message), nack: (requeue) => ch.nack(message, false, requeue) };
      }, timeoutMs, `a message in ${queue}`);
    },

    async publish(exchange, routingKey, content, options = {}) {
      const ch = await mainChannel();
      const body = typeof content === 'string' ? Buffer.from(content) : content;
      await new Promise<void>((resolve, reject) => {
        ch.publish(exchange, routingKey, body, options, (err) => (err ? reject(err instanceof Error ? err : new Error('publish nacked')) : resolve()));
      });
    },

    queueExists: (queue) => scratch((ch) => ch.checkQueue(queue).then(() => true, () => false)),
    readyCount: (queue) => scratch(async (ch) => (await ch.checkQueue(queue)).messageCount),
    deleteQueue: (queue) => scratch(async (ch) => void (await ch.deleteQueue(queue))),

    async close() {
      const pending = model;
      model = null;
      channel = null;
      if (pending) await (await pending.catch(() => null))?.close().catch(() => {});
    },
  };
}
