import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, type EventStream, type EventStreamOptions } from '../src/http/sse';
import { openSse } from './support/sse-client';

interface Opened {
  stream: EventStream;
  res: ServerResponse;
}

/** A client that sends its request and then never reads: what a stalled browser tab looks like to the server. */
async function stalledClient(port: number, path: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n`);
  socket.pause();
  return socket;
}

describe('event streams on the raw socket', () => {
  let app: FastifyInstance;
  let port: number;
  const sockets: Socket[] = [];
  const waiting: ((opened: Opened) => void)[] = [];
  const nextStream = () => new Promise<Opened>((resolve) => waiting.push(resolve));
  const closed = (stream: EventStream) => new Promise<void>((resolve) => stream.onClose(resolve));

  beforeAll(async () => {
    app = Fastify();
    app.addHook('onRequest', async (_request, reply) => {
      reply.header('x-request-id', 'from-a-hook');
    });
    const route = (path: string, opts: EventStreamOptions) =>
      app.get(path, async (_request, reply) => {
        waiting.shift()?.({ stream: openEventStream(reply, opts), res: reply.raw });
      });
    route('/quiet', { retryMs: 1500, heartbeatMs: 20, maxBufferedBytes: 1024 * 1024 });
    route('/flood', { retryMs: 1500, heartbeatMs: 60_000, maxBufferedBytes: 256 * 1024, endGraceMs: 50 });
    // Opens its stream only once the client has gone, as when a client leaves while its token is checked.
    app.get('/late', {
      preHandler: async (request) => {
        const { socket } = request.raw;
        if (!socket.closed) await new Promise((resolve) => socket.once('close', resolve));
      },
    }, async (_request, reply) => {
      waiting.shift()?.({ stream: openEventStream(reply, { retryMs: 1500, heartbeatMs: 20, maxBufferedBytes: 1024 * 1024 }), res: reply.raw });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    app.server.closeAllConnections();
    await app.close();
  });

  it('starts with retry, keeps the headers hooks set, and sends a keep-alive comment while quiet', async () => {
    const opening = nextStream();
    const client = await openSse(`http://127.0.0.1:${port}/quiet`);
    const { stream } = await opening;
    expect(client.header('content-type')).toBe('text/event-stream');
    expect(client.header('cache-control')).toBe('no-cache');
    expect(client.header('x-request-id')).toBe('from-a-hook');
    expect(client.retry).toBe(1500);
    await client.when(() => (client.comments.length >= 2 ? true : undefined), 5000, 'two keep-alive comments');
    expect(client.comments.slice(0, 2)).toEqual(['keep-alive', 'keep-alive']);
    stream.send({ id: 7, event: 'order', data: 'line one\nline two' });
    stream.position(9);
    expect(await client.next((e) => e.event === 'order')).toEqual({ event: 'order', data: 'line one\nline two', id: '7' });
    expect(await client.positioned()).toBe('9');
    const ending = closed(stream);
    await client.close();
    await ending;
    expect(stream.open).toBe(false);
  });

  it('disconnects a client that stops reading instead of buffering for it without bound', async () => {
    const opening = nextStream();
    sockets.push(await stalledClient(port, '/flood'));
    const { stream, res } = await opening;
    const gone = closed(stream);
    const payload = 'x'.repeat(16 * 1024);
    // Loopback socket buffers hold a few MiB; 256 MiB is far past them.
    for (let id = 1, sent = 0; stream.open && sent < 256 * 1024 * 1024; id += 1, sent += payload.length) {
      stream.send({ id, event: 'order', data: payload });
    }
    expect(stream.open).toBe(false);
    await gone;
    expect(res.destroyed).toBe(true);
  });

  it('is closed from the start when its client left before the route opened it', async () => {
    const opening = nextStream();
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.end('GET /late HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n');
    const { stream } = await opening;
    expect(stream.open).toBe(false);
    await closed(stream);
  });

  it('end() gives a stalled client a moment to take the rest, then drops it', async () => {
    const opening = nextStream();
    sockets.push(await stalledClient(port, '/flood'));
    const { stream, res } = await opening;
    const payload = 'y'.repeat(64 * 1024);
    // Until the kernel's buffers are full and bytes stay queued in the process: end() alone could never finish.
    for (let id = 1; stream.open && res.writableLength < payload.length; id += 1) {
      stream.send({ id, event: 'order', data: payload });
      await new Promise(setImmediate);
    }
    expect(stream.open).toBe(true);
    const dropped = new Promise((resolve) => res.socket!.once('close', resolve));
    stream.end();
    expect(stream.open).toBe(false);
    await Promise.race([dropped, new Promise((_, reject) => setTimeout(() => reject(new Error('the stalled client kept its connection')), 5000))]);
  });
});
