import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const amqpUrlBase = (process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672').replace(/\/+$/, '');

export interface TestVhost {
  vhost: string;
  url: string;
  drop(): Promise<void>;
}

/** Runs `rabbitmqctl` (needs the broker's Erlang cookie, i.e. root on the broker's host). */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['--quiet', ...args], { timeout: 30_000 });
  return stdout;
}

/** A fresh vhost for one test file, open to guest; drop() deletes it with everything in it. */
export async function createTestVhost(): Promise<TestVhost> {
  const vhost = `test_${process.pid}_${randomUUID().slice(0, 8)}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  let dropped: Promise<void> | undefined;
  return {
    vhost,
    url: `${amqpUrlBase}/${encodeURIComponent(vhost)}`,
    drop: () => (dropped ??= rabbitmqctl('delete_vhost', vhost).then(() => undefined)),
  };
}
