import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { fireOrders } from '../src/load';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A stand-in for one orders process: answers 201 and remembers what it was sent. */
async function ordersReplica(): Promise<{ url: string; bodies: string[]; authorizations: Set<string | undefined> }> {
  const seen = { bodies: [] as string[], authorizations: new Set<string | undefined>() };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.bodies.push(body);
      seen.authorizations.add(req.headers.authorization);
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}/api/orders`, ...seen };
}

it('spreads the connections over every orders process and counts their answers together', async () => {
  const replicas = [await ordersReplica(), await ordersReplica(), await ordersReplica()];
  const bodies = ['{"n":1}', '{"n":2}', '{"n":3}'];
  const result = await fireOrders({
    urls: replicas.map((r) => r.url), authorization: 'Bearer t', connections: 6, durationS: 1, bodies, signal: new AbortController().signal,
  });

  for (const replica of replicas) {
    expect(replica.bodies.length).toBeGreaterThan(0);
    expect(replica.authorizations).toEqual(new Set(['Bearer t']));
    expect(bodies).toEqual(expect.arrayContaining([...new Set(replica.bodies)]));
  }
  // autocannon may have requests in flight when it stops; it counts only the answered ones.
  const answered = replicas.reduce((sum, r) => sum + r.bodies.length, 0);
  expect(result['2xx']).toBeGreaterThan(0);
  expect(result['2xx']).toBeLessThanOrEqual(answered);
  expect(answered - result['2xx']).toBeLessThanOrEqual(6);
});
