import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGES, NEW_ORDERS_QUEUE } from '@pedidos/contracts/events';
import { cloudEvent, createRabbitMqBus, deadLetters, type Bus, type CloudEvent, type DeadLetters } from '@pedidos/platform/messaging';
import { createTestVhost, eventually, type TestVhost } from '@pedidos/platform/testing';
import { REPO_ROOT } from '../support/service-process';

const DLQ = `${NEW_ORDERS_QUEUE}.dlq`;
const FAILURE = 'stock database unreachable';

let vhost: TestVhost;
let bus: Bus;
/** The test's own connection: raw messages, and the DLQ's order read through the same module the command uses. */
let amqp: ChannelModel;
let inspect: DeadLetters;
/** Events whose handler throws, until a test "fixes" it by taking them out. */
const failing = new Set<string>();
/** Every delivery that reached the handler: the event and its attempt number. */
const deliveries: { event: CloudEvent; attempt: number; ok: boolean }[] = [];
const handledOk = (id: string) => deliveries.filter((d) => d.event.id === id && d.ok);

beforeAll(async () => {
  vhost = await createTestVhost();
  // One retry after 20 ms, then the DLQ: a message is dead-lettered after its second attempt.
  bus = await createRabbitMqBus({ url: vhost.url, retry: { delaysMs: [20] } });
  amqp = await connect(vhost.url);
  inspect = deadLetters(amqp);
  await bus.subscribe({
    queue: NEW_ORDERS_QUEUE,
    bindings: [{ exchange: EXCHANGES.orders, routingKey: 'order.created' }],
    handler: async (event, { attempt }) => {
      const ok = !failing.has(event.id);
      deliveries.push({ event, attempt, ok });
      if (!ok) throw new Error(FAILURE);
    },
  });
});

afterAll(async () => {
  await amqp?.close();
  await bus?.close();
  await vhost?.drop();
});

const run = promisify(execFile);

/** `npm run dlq -- <args>` as its own process, on the test's vhost unless `env` says otherwise. */
async function dlq(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', RABBITMQ_URL: vhost.url, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/dlq.ts', ...args], { cwd: REPO_ROOT, env: childEnv, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const json = async (args: string[]) => {
  const result = await dlq([...args, '--json']);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout);
};

const dlqIds = async () => (await inspect.show(NEW_ORDERS_QUEUE, { limit: 100 })).messages.map((m) => m.eventId);

/** Publishes order.created events that fail every attempt, one at a time (so the DLQ holds them in this order). */
async function deadLetter(count: number): Promise<CloudEvent[]> {
  const events: CloudEvent[] = [];
  for (let i = 0; i < count; i++) {
    const event = cloudEvent({
      source: '/tests/dlq',
      type: 'order.created',
      data: { orderId: randomUUID(), number: 1000 + i, total: 4990 },
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    });
    failing.add(event.id);
    const dead = new Promise<void>((resolve) => {
      const off = bus.on((signal) => {
        if (signal.kind === 'dead' && signal.event?.id === event.id) {
          off();
          resolve();
        }
      });
    });
    await bus.publish(EXCHANGES.orders, [event]);
    await dead;
    events.push(event);
  }
  return events;
}

describe('npm run dlq', () => {
  it('lists and shows a dead-lettered message without removing it, and after the fix replays it to be handled exactly once', async () => {
    const [event] = await deadLetter(1);

    const [table, listed] = await Promise.all([dlq(['list']), json(['list'])]);
    expect(table.stdout).toMatch(new RegExp(`^${DLQ.replaceAll('.', '\\.')}\\s+1$`, 'm'));
    expect(listed).toContainEqual({ queue: NEW_ORDERS_QUEUE, deadLetterQueue: DLQ, messages: 1 });

    const shown = await dlq(['show', NEW_ORDERS_QUEUE]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`event id        ${event!.id}`);
    expect(shown.stdout).toContain(`last error      ${FAILURE}`);
    expect(shown.stdout).toContain('attempts        2');
    expect(shown.stdout).toContain(`original queue  ${NEW_ORDERS_QUEUE}`);
    const asJson = await json(['show', DLQ]);
    expect(asJson).toEqual({
      deadLetterQueue: DLQ,
      total: 1,
      messages: [{ eventId: event!.id, type: 'order.created', attempts: 2, lastError: FAILURE, originalQueue: NEW_ORDERS_QUEUE, deadLetteredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), data: event!.data }],
    });
    expect(await bus.queueDepth(DLQ)).toBe(1);

    failing.delete(event!.id);
    const replay = await dlq(['replay', NEW_ORDERS_QUEUE]);
    expect(replay, replay.stderr).toMatchObject({ code: 0 });
    expect(replay.stdout).toContain(`replayed ${event!.id} (order.created) to ${NEW_ORDERS_QUEUE}`);

    await eventually(async () => handledOk(event!.id).length > 0 || undefined, 10_000, 'the replayed event handled');
    expect(await bus.queueDepth(DLQ)).toBe(0);
    expect(await bus.queueDepth(NEW_ORDERS_QUEUE)).toBe(0);
    const [handled] = handledOk(event!.id);
    expect(handledOk(event!.id)).toHaveLength(1);
    // Its full retries again, and the very same event.
    expect(handled!.attempt).toBe(1);
    expect(handled!.event).toEqual(event);
  });

  it('--id replays or purges one message of several, purge refuses without --yes, and the rest keep their order', async () => {
    const [first, second, third, fourth] = await deadLetter(4);
    expect(await dlqIds()).toEqual([first!.id, second!.id, third!.id, fourth!.id]);
    expect(await bus.queueDepth(DLQ)).toBe(4);

    failing.delete(second!.id);
    const [replay, refused] = await Promise.all([
      dlq(['replay', NEW_ORDERS_QUEUE, '--id', second!.id]),
      dlq(['purge', NEW_ORDERS_QUEUE, '--id', third!.id]),
    ]);
    expect(replay, replay.stderr).toMatchObject({ code: 0 });
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe('dlq: purge deletes messages for good: add --yes to confirm');
    await eventually(async () => handledOk(second!.id).length > 0 || undefined, 10_000, 'the replayed event handled');
    expect(await dlqIds()).toEqual([first!.id, third!.id, fourth!.id]);

    const purgeOne = await dlq(['purge', DLQ, '--id', third!.id, '--yes']);
    expect(purgeOne.stdout.trim()).toBe(`1 message deleted from ${DLQ}`);
    expect(await dlqIds()).toEqual([first!.id, fourth!.id]);

    expect(await json(['purge', NEW_ORDERS_QUEUE, '--yes'])).toEqual({ deadLetterQueue: DLQ, purged: 2 });
    expect(await bus.queueDepth(DLQ)).toBe(0);
    expect(handledOk(second!.id)).toHaveLength(1);
    for (const gone of [first, third, fourth]) expect(handledOk(gone!.id)).toHaveLength(0);
  });

  it('shows when it was dead-lettered, stays put while its queue is missing, and is replayed with its properties but without the old counters', async () => {
    const ch = await amqp.createConfirmChannel();
    const id = randomUUID();
    const body = JSON.stringify(cloudEvent({ id, source: '/tests/dlq', type: 'order.shipped', data: { orderId: randomUUID() } }));
    const deadAt = Math.floor(Date.now() / 1000) - 60;
    ch.sendToQueue(DLQ, Buffer.from(body), {
      persistent: true,
      contentType: 'application/cloudevents+json',
      messageId: id,
      type: 'order.shipped',
      appId: 'orders',
      headers: {
        tenant: 'acme',
        'x-attempts': 4,
        'x-last-error': 'no handler',
        'x-original-queue': 'parked.elsewhere',
        'x-death': [{ queue: 'parked.elsewhere', reason: 'delivery_limit', count: 1, exchange: '', 'routing-keys': ['parked.elsewhere'], time: { '!': 'timestamp', value: deadAt } }],
      },
    });
    await ch.waitForConfirms();

    const [letter] = (await json(['show', DLQ])).messages;
    expect(letter).toMatchObject({ eventId: id, originalQueue: 'parked.elsewhere', attempts: 4, deadLetteredAt: new Date(deadAt * 1000).toISOString() });

    const missing = await dlq(['replay', DLQ, '--id', id]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`dlq: queue "parked.elsewhere" does not exist; the rest is still in ${DLQ}`);
    expect(await bus.queueDepth(DLQ)).toBe(1);

    await ch.assertQueue('parked.elsewhere', { durable: true });
    expect(await json(['replay', DLQ, '--id', id])).toMatchObject({ replayed: [{ eventId: id }] });
    const replayed = await ch.get('parked.elsewhere', { noAck: true });
    await ch.close();
    expect(await bus.queueDepth(DLQ)).toBe(0);
    expect(replayed && replayed.content.toString()).toBe(body);
    expect(replayed && replayed.properties).toMatchObject({ messageId: id, type: 'order.shipped', appId: 'orders', contentType: 'application/cloudevents+json', deliveryMode: 2 });
    expect(replayed && replayed.properties.headers).toEqual({ tenant: 'acme', 'x-last-error': 'no handler', 'x-original-queue': 'parked.elsewhere' });
  });

  it('show hands every message of a long DLQ back before it resolves, so a count right after finds them all', async () => {
    const ch = await amqp.createConfirmChannel();
    await ch.assertQueue('bulk.dlq', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (let i = 0; i < 100; i++) ch.sendToQueue('bulk.dlq', Buffer.from(`poison ${i}`), { persistent: true, messageId: `bulk-${i}` });
    await ch.waitForConfirms();
    await ch.close();
    for (let round = 0; round < 5; round++) {
      expect((await inspect.show('bulk', { limit: 1 })).messages).toHaveLength(1);
      expect(await inspect.count('bulk')).toBe(100);
    }
  });

  it('answers bad arguments with one line and the usage (exit 2), a bad RABBITMQ_URL, broker or queue with one line (exit 1)', async () => {
    const [unknownCommand, badLimit, badUrl, noBroker, unknownQueue, noId] = await Promise.all([
      dlq(['frobnicate']),
      dlq(['show', NEW_ORDERS_QUEUE, '--limit', '0']),
      dlq(['list'], { RABBITMQ_URL: 'http://127.0.0.1:5672' }),
      dlq(['list'], { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' }),
      dlq(['show', 'no_such_queue']),
      dlq(['replay', NEW_ORDERS_QUEUE, '--id', 'no-such-event']),
    ]);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr.split('\n')[0]).toBe('dlq: unknown command "frobnicate": use list, show, replay or purge');
    expect(unknownCommand.stderr).toContain('usage: npm run dlq -- <command> [options]');
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr.split('\n')[0]).toBe('dlq: --limit must be an integer >= 1, got "0"');

    expect(badUrl).toMatchObject({ code: 1, stdout: '' });
    expect(badUrl.stderr).toBe('Invalid configuration: RABBITMQ_URL must be a URL starting with amqp:// or amqps://, got "http://127.0.0.1:5672"\n');
    expect(noBroker.code).toBe(1);
    expect(noBroker.stderr).toMatch(/^dlq: cannot connect to RabbitMQ at 127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/);
    expect(unknownQueue.code).toBe(1);
    expect(unknownQueue.stderr).toMatch(/^dlq: no dead-letter queue "no_such_queue\.dlq" on this broker \(the system's queues: .*novos_pedidos.*\)\n$/);
    expect(noId.code).toBe(1);
    expect(noId.stderr).toBe(`dlq: no message of event no-such-event in ${DLQ}\n`);
  });
});
