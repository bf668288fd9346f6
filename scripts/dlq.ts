/**
 * `npm run dlq -- <command>`: the system's dead-letter queues on RabbitMQ (RABBITMQ_URL), what
 * is in them and why, and putting messages back on their queue after a fix. Exit codes: 0 done,
 * 1 it could not be done (broker, queue or message not found), 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { exitOnConfigError, int, loadConfig, url } from '@pedidos/platform/config';
import { CONSUMER_QUEUES } from '@pedidos/contracts/queues';
import { connectDeadLetters, deadLetterQueue, UnknownQueueError, type DeadLetterSummary, type DeadLetters } from '@pedidos/platform/messaging';

const DEFAULT_SHOW_LIMIT = 20;

/** Every durable queue a service consumes, each with its `<queue>.dlq`. */
const SYSTEM_QUEUES: string[] = Object.values(CONSUMER_QUEUES).flatMap((queues) => Object.values(queues));

const USAGE = `usage: npm run dlq -- <command> [options]

  list                                         each dead-letter queue of the system and its message count
  show <queue> [--limit N]                     its messages, oldest first (default ${DEFAULT_SHOW_LIMIT}); they stay there
  replay <queue> [--id EVENT_ID] [--limit N]   back to their original queue, then out of the dead-letter queue
  purge <queue> [--id EVENT_ID] --yes          delete them for good

  <queue>                                      a consumer queue (novos_pedidos) or its dead-letter queue (novos_pedidos.dlq)
  --json                                       machine-readable output
  RABBITMQ_URL                                 the broker (default amqp://guest:guest@127.0.0.1:5672)`;

const COMMANDS = {
  list: { queue: false, options: ['json'] },
  show: { queue: true, options: ['json', 'limit'] },
  replay: { queue: true, options: ['json', 'limit', 'id'] },
  purge: { queue: true, options: ['json', 'id', 'yes'] },
} as const;
type Command = keyof typeof COMMANDS;

interface Invocation {
  command: Command;
  queue: string;
  limit: number | undefined;
  id: string | undefined;
  yes: boolean;
  json: boolean;
}

class UsageError extends Error {}

function parseInvocation(argv: string[]): Invocation | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        limit: { type: 'string' },
        id: { type: 'string' },
        yes: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's message goes on with advice about `--`; its first sentence names the problem.
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, queue, ...extra] = positionals;
  if (command === undefined) throw new UsageError('a command is required: list, show, replay or purge');
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}": use list, show, replay or purge`);
  const spec = COMMANDS[command as Command];
  if (spec.queue && queue === undefined) throw new UsageError(`${command} needs a queue, e.g. ${command} novos_pedidos`);
  const unexpected = spec.queue ? extra[0] : queue;
  if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`);
  for (const option of ['limit', 'id', 'yes'] as const) {
    if (values[option] !== undefined && !(spec.options as readonly string[]).includes(option)) throw new UsageError(`${command} takes no --${option}`);
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    const parser = int({ min: 1 });
    limit = parser.parse(values.limit);
    if (limit === undefined) throw new UsageError(`--limit must be ${parser.expected}, got ${JSON.stringify(values.limit)}`);
  }
  if (values.id === '') throw new UsageError('--id must be an event id');
  if (command === 'purge' && !values.yes) throw new UsageError('purge deletes messages for good: add --yes to confirm');
  return { command: command as Command, queue: queue ?? '', limit, id: values.id, yes: values.yes ?? false, json: values.json ?? false };
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function fail(message: string): 1 {
  console.error(`dlq: ${message.replace(/\s*\n\s*/g, ' ')}`);
  return 1;
}

function printLetter(letter: DeadLetterSummary): void {
  const rows: [string, string][] = [
    ['event id', letter.eventId ?? '(none)'],
    ['type', letter.type ?? '(none)'],
    ['attempts', letter.attempts === null ? '(none)' : String(letter.attempts)],
    ['last error', letter.lastError ?? '(none)'],
    ['original queue', letter.originalQueue],
    ['dead-lettered', letter.deadLetteredAt ?? 'unknown'],
    ['data', typeof letter.data === 'string' ? letter.data : JSON.stringify(letter.data)],
  ];
  for (const [label, value] of rows) out(`${label.padEnd(16)}${value}`);
}

async function run(tool: DeadLetters, inv: Invocation): Promise<number> {
  switch (inv.command) {
    case 'list': {
      const counts = await Promise.all(SYSTEM_QUEUES.map(async (queue) => ({ queue, deadLetterQueue: deadLetterQueue(queue), messages: await tool.count(queue) })));
      if (inv.json) {
        printJson(counts);
        return 0;
      }
      const width = Math.max(...counts.map((c) => c.deadLetterQueue.length)) + 2;
      out(`${'DEAD-LETTER QUEUE'.padEnd(width)}MESSAGES`);
      for (const c of counts) out(`${c.deadLetterQueue.padEnd(width)}${c.messages ?? 'not declared yet'}`);
      return 0;
    }
    case 'show': {
      const shown = await tool.show(inv.queue, { limit: inv.limit ?? DEFAULT_SHOW_LIMIT });
      if (inv.json) {
        printJson(shown);
        return 0;
      }
      out(`${shown.deadLetterQueue}: ${plural(shown.total, 'message')}${shown.messages.length < shown.total ? `, the first ${shown.messages.length} shown` : ''}`);
      for (const letter of shown.messages) {
        out('');
        printLetter(letter);
      }
      return 0;
    }
    case 'replay': {
      const { deadLetterQueue: dlq, replayed } = await tool.replay(inv.queue, { id: inv.id, limit: inv.limit });
      if (inv.id !== undefined && replayed.length === 0) return fail(`no message of event ${inv.id} in ${dlq}`);
      if (inv.json) {
        printJson({ deadLetterQueue: dlq, replayed });
        return 0;
      }
      for (const letter of replayed) out(`replayed ${letter.eventId ?? '(no id)'} (${letter.type ?? 'no type'}) to ${letter.originalQueue}`);
      out(`${plural(replayed.length, 'message')} replayed from ${dlq}`);
      return 0;
    }
    case 'purge': {
      const { deadLetterQueue: dlq, purged } = await tool.purge(inv.queue, { id: inv.id });
      if (inv.id !== undefined && purged === 0) return fail(`no message of event ${inv.id} in ${dlq}`);
      if (inv.json) {
        printJson({ deadLetterQueue: dlq, purged });
        return 0;
      }
      out(`${plural(purged, 'message')} deleted from ${dlq}`);
      return 0;
    }
  }
}

async function main(): Promise<number> {
  let inv: Invocation | 'help';
  try {
    inv = parseInvocation(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`dlq: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (inv === 'help') {
    out(USAGE);
    return 0;
  }
  const { RABBITMQ_URL } = exitOnConfigError(() => loadConfig(process.env, { RABBITMQ_URL: url(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672') }));
  let tool: Awaited<ReturnType<typeof connectDeadLetters>>;
  try {
    tool = await connectDeadLetters(RABBITMQ_URL);
  } catch (error) {
    const { host, pathname } = new URL(RABBITMQ_URL);
    return fail(`cannot connect to RabbitMQ at ${host}${pathname}: ${(error as Error).message}`);
  }
  try {
    return await run(tool, inv);
  } catch (error) {
    if (error instanceof UnknownQueueError) return fail(`${error.message} (the system's queues: ${SYSTEM_QUEUES.join(', ')})`);
    return fail((error as Error).message);
  } finally {
    await tool.close();
  }
}

process.exitCode = await main();
